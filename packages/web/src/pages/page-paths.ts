// The pages under /p/:project: their React Router paths and the module that draws each (a chunk of
// its own). Plain data, free of React and the SDK: the early script (src/early) reads it to start
// the first page's chunk and API requests before the app has run; app-router.tsx routes by it.

export interface PagePath {
  /** React Router path under /p/:project. */
  path: string;
  /** The page's module, src/pages/<module>.tsx. */
  module: string;
}

export const pagePaths = {
  experiments: { path: 'experiments', module: 'experiments-page' },
  runs: { path: 'experiments/:experimentId', module: 'runs-page' },
  run: { path: 'runs/:runId', module: 'run-page' },
  compare: { path: 'compare', module: 'compare-page' },
  models: { path: 'models', module: 'models-page' },
  model: { path: 'models/:name', module: 'model-page' },
  traces: { path: 'traces', module: 'traces-page' },
  trace: { path: 'traces/:traceId', module: 'trace-page' },
  sessions: { path: 'sessions', module: 'sessions-page' },
  session: { path: 'sessions/:sessionId', module: 'session-page' },
  prompts: { path: 'prompts', module: 'prompts-page' },
  prompt: { path: 'prompts/:name', module: 'prompt-page' },
  gateway: { path: 'gateway', module: 'gateway-page' },
} as const satisfies Record<string, PagePath>;

export type PageName = keyof typeof pagePaths;

export interface PageMatch {
  page: PageName;
  project: string;
  /** The path's parameters after the project, decoded, in order. */
  params: string[];
}

/** The page `pathname` (/p/<project>/...) shows, or undefined (not a page, or a path that does not decode). */
export function matchProjectPage(pathname: string): PageMatch | undefined {
  const parts = pathname.replace(/\/+$/, '').split('/');
  if (parts[0] !== '' || parts[1] !== 'p' || parts[2] === undefined || parts[2] === '') return undefined;
  const rest = parts.slice(3);
  for (const [page, { path }] of Object.entries(pagePaths) as [PageName, PagePath][]) {
    const pattern = path.split('/');
    if (pattern.length !== rest.length) continue;
    const params: string[] = [];
    const matches = pattern.every((segment, index) => {
      const actual = rest[index] ?? '';
      if (!segment.startsWith(':')) return segment === actual;
      params.push(actual);
      return actual !== '';
    });
    if (!matches) continue;
    try {
      return { page, project: decodeURIComponent(parts[2]), params: params.map((param) => decodeURIComponent(param)) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}
