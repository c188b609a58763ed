import { type ComponentType } from 'react';
import type { KeelClient } from '@keel/sdk/client';
import { Navigate, type Params, type RouteObject, createBrowserRouter, matchRoutes, useLocation } from 'react-router-dom';
import { useSession } from './api/keel-session.tsx';
import { AppLayout } from './components/app-layout.tsx';
import { HomeRedirect } from './pages/home-redirect.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { lazyPage } from './lazy-page.tsx';
import { prefetchRunPage } from './lib/runs/run-page-data.ts';

// Each page is its own chunk: the first page loads only what it draws.
type Prefetch = (client: KeelClient, params: Params) => void;

const page = (load: () => Promise<ComponentType>, prefetch?: Prefetch): Pick<RouteObject, 'element' | 'handle'> => {
  const lazy = lazyPage(load);
  return { element: lazy.element, handle: { preload: lazy.preload, prefetch } };
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
        { path: 'runs/:runId', ...page(async () => (await import('./pages/run-page.tsx')).RunPage, (client, params) => prefetchRunPage(client, params.project ?? '', params.runId ?? '')) },
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

interface PageHandle {
  preload?: () => Promise<void>;
  prefetch?: Prefetch;
}

/**
 * For the first URL: asks for the page's data (when its route knows what it needs and a key is
 * stored) and loads its chunk, both at once; resolves when the chunk is in, so that the first
 * render does not suspend.
 */
export async function preloadPages(routes: RouteObject[], pathname: string, client: ((project: string) => KeelClient) | undefined): Promise<void> {
  const matches = matchRoutes(routes, pathname) ?? [];
  for (const match of matches) {
    const handle = match.route.handle as PageHandle | undefined;
    const project = match.params.project;
    if (handle?.prefetch !== undefined && client !== undefined && project !== undefined) handle.prefetch(client(project), match.params);
  }
  await Promise.all(matches.map((match) => (match.route.handle as PageHandle | undefined)?.preload?.()));
}

export function createAppRouter(routes: RouteObject[]) {
  return createBrowserRouter(routes);
}
