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
import { type PageName, pagePaths } from './pages/page-paths.ts';

// Each page is its own chunk: the first page loads only what it draws.
const pageModules: Record<PageName, () => Promise<ComponentType>> = {
  experiments: async () => (await import('./pages/experiments-page.tsx')).ExperimentsPage,
  runs: async () => (await import('./pages/runs-page.tsx')).RunsPage,
  run: async () => (await import('./pages/run-page.tsx')).RunPage,
  compare: async () => (await import('./pages/compare-page.tsx')).ComparePage,
  models: async () => (await import('./pages/models-page.tsx')).ModelsPage,
  model: async () => (await import('./pages/model-page.tsx')).ModelPage,
  traces: async () => (await import('./pages/traces-page.tsx')).TracesPage,
  trace: async () => (await import('./pages/trace-page.tsx')).TracePage,
  sessions: async () => (await import('./pages/sessions-page.tsx')).SessionsPage,
  session: async () => (await import('./pages/session-page.tsx')).SessionPage,
  prompts: async () => (await import('./pages/prompts-page.tsx')).PromptsPage,
  prompt: async () => (await import('./pages/prompt-page.tsx')).PromptPage,
  gateway: async () => (await import('./pages/gateway-page.tsx')).GatewayPage,
};

/** Asks for a page's first data with the API client (taking the early script's answers); resolves when it is in. */
type Prefetch = (client: KeelClient, params: Params) => Promise<void>;

const prefetches: Partial<Record<PageName, Prefetch>> = {
  run: (client, params) => prefetchRunPage(client, params.project ?? '', params.runId ?? ''),
};

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
        ...(Object.keys(pagePaths) as PageName[]).map((name) => ({ path: pagePaths[name].path, ...page(pageModules[name], prefetches[name]) })),
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

/** How long the first render waits for the first page's data before it shows the page loading. */
const firstDataWaitMs = 1000;

/**
 * For the first URL: asks for the page's data (when its route knows what it needs and a key is
 * stored) and loads its chunk, both at once. Resolves when the chunk is in and the data too (or
 * after firstDataWaitMs), so that the first render draws the page whole, as a router's loaders
 * would, instead of a loading state and then a second render and layout.
 */
export async function preloadPages(routes: RouteObject[], pathname: string, client: ((project: string) => KeelClient) | undefined): Promise<void> {
  const matches = matchRoutes(routes, pathname) ?? [];
  const data: Promise<void>[] = [];
  for (const match of matches) {
    const handle = match.route.handle as PageHandle | undefined;
    const project = match.params.project;
    if (handle?.prefetch !== undefined && client !== undefined && project !== undefined) data.push(handle.prefetch(client(project), match.params).catch(() => undefined));
  }
  const chunks = Promise.all(matches.map((match) => (match.route.handle as PageHandle | undefined)?.preload?.()));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, firstDataWaitMs);
  });
  try {
    await Promise.all([chunks, Promise.race([Promise.all(data), deadline])]);
  } finally {
    clearTimeout(timer);
  }
}

export function createAppRouter(routes: RouteObject[]) {
  return createBrowserRouter(routes);
}
