import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router-dom';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { SessionProvider, makeClient } from './api/keel-session.tsx';
import { loadStoredKey } from './api/stored-key.ts';
import { appRoutes, createAppRouter, preloadPages } from './app-router.tsx';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
const routes = appRoutes();
// The first page's chunk comes before the first render (a failed load is shown by the page later).
const apiKey = loadStoredKey();
await preloadPages(routes, window.location.pathname, apiKey === null ? undefined : (project) => makeClient(apiKey, project)).catch(() => undefined);
createRoot(root).render(
  <StrictMode>
    <SessionProvider>
      <RouterProvider router={createAppRouter(routes)} />
    </SessionProvider>
  </StrictMode>,
);
