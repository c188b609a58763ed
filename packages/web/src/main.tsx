import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router-dom';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { SessionProvider } from './api/keel-session.tsx';
import { createAppRouter } from './app-router.tsx';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <SessionProvider>
      <RouterProvider router={createAppRouter()} />
    </SessionProvider>
  </StrictMode>,
);
