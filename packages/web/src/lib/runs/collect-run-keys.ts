import type { Run } from '@keel/sdk/client';

export interface RunKeys {
  params: string[];
  metrics: string[];
  tags: string[];
}

/** Every param, metric and tag key found in `runs`, sorted; MLflow's own `mlflow.*` tags last. */
export function collectRunKeys(runs: readonly Run[]): RunKeys {
  const params = new Set<string>();
  const metrics = new Set<string>();
  const tags = new Set<string>();
  for (const run of runs) {
    for (const item of run.data.params) params.add(item.key);
    for (const item of run.data.metrics) metrics.add(item.key);
    for (const item of run.data.tags) tags.add(item.key);
  }
  const sorted = (keys: Set<string>) => [...keys].sort((a, b) => Number(a.startsWith('mlflow.')) - Number(b.startsWith('mlflow.')) || a.localeCompare(b));
  return { params: sorted(params), metrics: sorted(metrics), tags: sorted(tags) };
}
