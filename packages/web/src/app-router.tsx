import { type ComponentType, lazy } from 'react';
import { Navigate, createBrowserRouter, useLocation } from 'react-router-dom';
import { useSession } from './api/keel-session.tsx';
import { AppLayout } from './components/app-layout.tsx';
import { HomeRedirect } from './pages/home-redirect.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';

// Each page is its own chunk: the first page loads only what it draws.
const page = (load: () => Promise<ComponentType>) => {
  const Page = lazy(async () => ({ default: await load() }));
  return <Page />;
};

function RequireSignIn({ children }: { children: React.ReactNode }) {
  const { apiKey } = useSession();
  const location = useLocation();
  if (apiKey === null) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <>{children}</>;
}

export function createAppRouter() {
  return createBrowserRouter([
    { path: '/sign-in', element: <SignInPage /> },
    { path: '/', element: <RequireSignIn><HomeRedirect /></RequireSignIn> },
    {
      path: '/p/:project',
      element: <RequireSignIn><AppLayout /></RequireSignIn>,
      children: [
        { index: true, element: <Navigate to="experiments" replace /> },
        { path: 'experiments', element: page(async () => (await import('./pages/experiments-page.tsx')).ExperimentsPage) },
        { path: 'experiments/:experimentId', element: page(async () => (await import('./pages/runs-page.tsx')).RunsPage) },
        { path: 'runs/:runId', element: page(async () => (await import('./pages/run-page.tsx')).RunPage) },
        { path: 'compare', element: page(async () => (await import('./pages/compare-page.tsx')).ComparePage) },
        { path: 'models', element: page(async () => (await import('./pages/models-page.tsx')).ModelsPage) },
        { path: 'models/:name', element: page(async () => (await import('./pages/model-page.tsx')).ModelPage) },
        { path: 'traces', element: page(async () => (await import('./pages/traces-page.tsx')).TracesPage) },
        { path: 'traces/:traceId', element: page(async () => (await import('./pages/trace-page.tsx')).TracePage) },
        { path: 'sessions', element: page(async () => (await import('./pages/sessions-page.tsx')).SessionsPage) },
        { path: 'sessions/:sessionId', element: page(async () => (await import('./pages/session-page.tsx')).SessionPage) },
        { path: 'prompts', element: page(async () => (await import('./pages/prompts-page.tsx')).PromptsPage) },
        { path: 'prompts/:name', element: page(async () => (await import('./pages/prompt-page.tsx')).PromptPage) },
        { path: 'gateway', element: page(async () => (await import('./pages/gateway-page.tsx')).GatewayPage) },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
    { path: '*', element: <NotFoundPage /> },
  ]);
}
