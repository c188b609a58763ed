import { KeelClient } from './keel-client.ts';
import type { KeelServer } from './keel-server.ts';
import { baseTimestamp, seededRandom } from './metric-batches.ts';
import { parallel } from './parallel.ts';
import { progressReporter } from './progress.ts';

/** Every run gets its metrics and params in one log-batch (20 + 20 items), clients in parallel. */
export async function seedRuns(server: KeelServer, { experimentName, runs, metricsPerRun, paramsPerRun }: { experimentName: string; runs: number; metricsPerRun: number; paramsPerRun: number }): Promise<string> {
  const client = new KeelClient(server.url, server.apiKey);
  try {
    const experimentId = await client.createExperiment(experimentName);
    const progress = progressReporter('seed runs', runs);
    let done = 0;
    await parallel(runs, 16, async (index) => {
      const runId = await client.createRun(experimentId, baseTimestamp + index);
      const random = seededRandom(index + 1);
      const metrics = Array.from({ length: metricsPerRun }, (_unused, key) => ({ key: `m${key}`, value: random(), timestamp: baseTimestamp + index, step: 0 }));
      const params = Array.from({ length: paramsPerRun }, (_unused, key) => ({ key: `p${key}`, value: `value-${Math.floor(random() * 1000)}` }));
      await client.post('/api/2.0/mlflow/runs/log-batch', { run_id: runId, metrics, params, tags: [] });
      done += 1;
      progress.tick(done);
    });
    progress.finish();
    return experimentId;
  } finally {
    client.close();
  }
}
