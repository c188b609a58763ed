import { KeelClient } from './keel-client.ts';
import type { KeelServer } from './keel-server.ts';
import { baseTimestamp } from './metric-batches.ts';
import { parallel } from './parallel.ts';
import { progressReporter } from './progress.ts';

/** A training curve with noise and rare spikes, so that keeping extremes matters. */
function value(step: number): number {
  const noise = Math.sin(step * 12.9898) * 43758.5453;
  const jitter = noise - Math.floor(noise);
  const spike = step % 99_991 === 7 ? 25 : 0;
  return 2 / (1 + step / 50_000) + 0.1 * jitter + spike;
}

/** One run in a new experiment with `points` values of metric `key`, 1,000 per log-batch. */
export async function seedMetricHistory(server: KeelServer, { experimentName, key, points }: { experimentName: string; key: string; points: number }): Promise<{ runId: string; max: number }> {
  const client = new KeelClient(server.url, server.apiKey);
  try {
    const experimentId = await client.createExperiment(experimentName);
    const runId = await client.createRun(experimentId);
    const batch = 1000;
    const batches = Math.ceil(points / batch);
    const progress = progressReporter('seed 1 run', points);
    let done = 0;
    let max = -Infinity;
    for (let step = 0; step < points; step += 1) max = Math.max(max, value(step));
    await parallel(batches, 4, async (index) => {
      const metrics = [];
      for (let step = index * batch; step < Math.min(points, (index + 1) * batch); step += 1) metrics.push({ key, value: value(step), timestamp: baseTimestamp + step, step });
      await client.post('/api/2.0/mlflow/runs/log-batch', { run_id: runId, metrics });
      done += metrics.length;
      progress.tick(done);
    });
    progress.finish();
    return { runId, max };
  } finally {
    client.close();
  }
}
