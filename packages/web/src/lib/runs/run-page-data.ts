import type { KeelClient, Run } from '@keel/sdk/client';
import { chartMaxPoints } from '../../early/early-requests.ts';
import { prefetch } from '../prefetch.ts';

export { chartMaxPoints };

export const runDataKey = (project: string, runId: string): string => `run\u0000${project}\u0000${runId}`;
export const historyDataKey = (project: string, runId: string, metric: string): string => `history\u0000${project}\u0000${runId}\u0000${metric}\u0000${chartMaxPoints}`;
export const experimentDataKey = (project: string, experimentId: string): string => `experiment\u0000${project}\u0000${experimentId}`;

/**
 * Asks for a run and then, at once, for its experiment and the history of each of its metrics:
 * what the run page draws first. Resolves when all are in (or one failed: the page shows it).
 */
export async function prefetchRunPage(client: KeelClient, project: string, runId: string): Promise<void> {
  const run: Run = await prefetch(runDataKey(project, runId), () => client.runs.get(runId));
  await Promise.all([
    prefetch(experimentDataKey(project, run.info.experimentId), () => client.experiments.get(run.info.experimentId)),
    ...run.data.metrics.map((metric) => prefetch(historyDataKey(project, runId, metric.key), () => client.runs.metricHistory(runId, metric.key, { maxPoints: chartMaxPoints }))),
  ]);
}
