// The first page's API requests, started by the early script (start-early-requests.ts, inlined at
// the top of index.html) before the app's code has even loaded. The API client takes these answers
// instead of asking again (earlyAwareFetch). They must be the very requests the SDK sends:
// early-requests.test.ts checks the URLs against the SDK's.
import { byMetricKey } from '../lib/runs/metric-order.ts';
import type { PageName } from '../pages/page-paths.ts';

/** Points per metric history the run page asks for (the server downsamples above it). */
export const chartMaxPoints = 1000;

/** An API path with its query, on the UI's own origin. */
export type ApiPath = string;

export interface EarlyRequests {
  /** Requests that can start at once, from the page's path parameters (decoded). */
  first: (params: readonly string[]) => ApiPath[];
  /** Requests that need the first answer (the JSON of first[0]). */
  then?: (params: readonly string[], firstAnswer: unknown) => ApiPath[];
}

const encode = encodeURIComponent;

interface RunAnswer {
  info?: { experimentId?: unknown };
  data?: { metrics?: readonly { key?: unknown }[] };
}

/** The run page: the run, then its experiment and each metric's history (runs.get, experiments.get, runs.metricHistory). */
export const runPageRequests: EarlyRequests = {
  first: ([runId = '']) => [`/api/v1/runs/${encode(runId)}`],
  then: ([runId = ''], answer) => {
    const run = answer as RunAnswer;
    const paths: ApiPath[] = [];
    const experimentId = run.info?.experimentId;
    if (typeof experimentId === 'string') paths.push(`/api/v1/experiments/${encode(experimentId)}`);
    // In the order the page draws its charts: over HTTP/1.1's 6 connections, the first come first.
    const keys = (run.data?.metrics ?? []).flatMap((metric) => (typeof metric.key === 'string' ? [metric.key] : [])).sort(byMetricKey);
    for (const key of keys) paths.push(`/api/v1/runs/${encode(runId)}/metrics/${encode(key)}?maxPoints=${chartMaxPoints}`);
    return paths;
  },
};

/** Pages whose first requests are known from their URL. */
export const earlyRequests: Partial<Record<PageName, EarlyRequests>> = { run: runPageRequests };
