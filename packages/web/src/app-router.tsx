import { type ComponentType } from 'react';
import { Navigate, type RouteObject, createBrowserRouter, matchRoutes, useLocation } from 'react-router-dom';
import { useSession } from './api/keel-session.tsx';
import { AppLayout } from './components/app-layout.tsx';
import { HomeRedirect } from './pages/home-redirect.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { lazyPage } from './lazy-page.tsx';

// Each page is its own chunk: the first page loads only what it draws.
const page = (load: () => Promise<ComponentType>): Pick<RouteObject, 'element' | 'handle'> => {
  const lazy = lazyPage(load);
  return { element: lazy.element, handle: { preload: lazy.preload } };
};

function RequireSignIn({ children }: { children: React.ReactNode }) {
  const { apiKey } = useSession();
  const location = useLocation();
  if (apiKey === null) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <>{children}</>;
}

export function appRoutes(): RouteObject[] {
  return [
    { path: '/sign-in', element: <SignInPage /> },
    { path: '/', element: <RequireSignIn><HomeRedirect /></RequireSignIn> },
    {
      path: '/p/:project',
      element: <RequireSignIn><AppLayout /></RequireSignIn>,
      children: [
        { index: true, element: <Navigate to="experiments" replace /> },
        { path: 'experiments', ...page(async () => (await import('./pages/experiments-page.tsx')).ExperimentsPage) },
        { path: 'experiments/:experimentId', ...page(async () => (await import('./pages/runs-page.tsx')).RunsPage) },
        { path: 'runs/:runId', ...page(async () => (await import('./pages/run-page.tsx')).RunPage) },
        { path: 'compare', ...page(async () => (await import('./pages/compare-page.tsx')).ComparePage) },
        { path: 'models', ...page(async () => (await import('./pages/models-page.tsx')).ModelsPage) },
        { path: 'models/:name', ...page(async () => (await import('./pages/model-page.tsx')).ModelPage) },
        { path: 'traces', ...page(async () => (await import('./pages/traces-page.tsx')).TracesPage) },
        { path: 'traces/:traceId', ...page(async () => (await import('./pages/trace-page.tsx')).TracePage) },
        { path: 'sessions', ...page(async () => (await import('./pages/sessions-page.tsx')).SessionsPage) },
        { path: 'sessions/:sessionId', ...page(async () => (await import('./pages/session-page.tsx')).SessionPage) },
        { path: 'prompts', ...page(async () => (await import('./pages/prompts-page.tsx')).PromptsPage) },
        { path: 'prompts/:name', ...page(async () => (await import('./pages/prompt-page.tsx')).PromptPage) },
        { path: 'gateway', ...page(async () => (await import('./pages/gateway-page.tsx')).GatewayPage) },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
    { path: '*', element: <NotFoundPage /> },
  ];
}

/** Loads the chunks of the pages that `pathname` shows, so that the first render does not suspend. */
export async function preloadPages(routes: RouteObject[], pathname: string): Promise<void> {
  const matches = matchRoutes(routes, pathname) ?? [];
  await Promise.all(matches.map((match) => (match.route.handle as { preload?: () => Promise<void> } | undefined)?.preload?.()));
}

export function createAppRouter(routes: RouteObject[]) {
  return createBrowserRouter(routes);
}
