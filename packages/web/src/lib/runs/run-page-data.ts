import type { KeelClient, Run } from '@keel/sdk/client';
import { chartMaxPoints } from '../../early/early-requests.ts';
import { prefetch } from '../prefetch.ts';
import { byMetricKey } from './metric-order.ts';

export { chartMaxPoints };

export const runDataKey = (project: string, runId: string): string => `run\u0000${project}\u0000${runId}`;
export const historyDataKey = (project: string, runId: string, metric: string): string => `history\u0000${project}\u0000${runId}\u0000${metric}\u0000${chartMaxPoints}`;
export const experimentDataKey = (project: string, experimentId: string): string => `experiment\u0000${project}\u0000${experimentId}`;

/** Charts whose history the first render waits for: about what the first screen shows. */
const chartsDrawnFirst = 6;

/**
 * Asks for a run and then, at once, for its experiment and the history of each of its metrics (in
 * the page's order): what the run page draws first. Resolves when the run, its experiment and the
 * first charts' histories are in (or one failed: the page shows it); the other charts take their
 * answers as they come.
 */
export async function prefetchRunPage(client: KeelClient, project: string, runId: string): Promise<void> {
  const run: Run = await prefetch(runDataKey(project, runId), () => client.runs.get(runId));
  const experiment = prefetch(experimentDataKey(project, run.info.experimentId), () => client.experiments.get(run.info.experimentId));
  const keys = run.data.metrics.map((metric) => metric.key).sort(byMetricKey);
  const histories = keys.map((key) => prefetch(historyDataKey(project, runId, key), () => client.runs.metricHistory(runId, key, { maxPoints: chartMaxPoints })));
  await Promise.all([experiment, ...histories.slice(0, chartsDrawnFirst)]);
}
