import type { KeelClient, Run } from '@keel/sdk/client';
import { prefetch } from '../prefetch.ts';

/** Points per history asked of the server, which downsamples (keeping extremes) above it. */
export const chartMaxPoints = 1000;

export const runDataKey = (project: string, runId: string): string => `run\u0000${project}\u0000${runId}`;
export const historyDataKey = (project: string, runId: string, metric: string): string => `history\u0000${project}\u0000${runId}\u0000${metric}\u0000${chartMaxPoints}`;

/** Asks for a run and then, at once, for the history of each of its metrics: what the run page draws first. */
export function prefetchRunPage(client: KeelClient, project: string, runId: string): void {
  void prefetch(runDataKey(project, runId), () => client.runs.get(runId)).then(
    (run: Run) => {
      for (const metric of run.data.metrics) {
        void prefetch(historyDataKey(project, runId, metric.key), () => client.runs.metricHistory(runId, metric.key, { maxPoints: chartMaxPoints }));
      }
    },
    () => undefined,
  );
}
