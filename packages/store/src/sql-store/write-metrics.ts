import type { Metric } from '@keel/spec';
import type { SqlExecutor, SqlValue } from '../drivers/sql-driver.ts';
import { encodeMetricValue } from './metric-value.ts';
import { metricsByKey } from './metrics-by-key.ts';
import { sortUnique, writeRunSeries } from './metric-blocks.ts';
import { computeRollups, upsertRollups } from './metric-rollups.ts';

const metricRow = '(?, ?, ?, ?, ?, ?)';

/** True when `a` is later than `b` in MLflow's sense: higher step, then later timestamp, then larger value. */
function isLater(a: Metric, b: Metric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}

/**
 * Writes one run's metrics: the points (a point logged again is stored once; ADR 0014), the latest value per
 * key, and the rollups of the points that were new. `metrics` may hold several batches at once.
 */
export async function writeMetrics(tx: SqlExecutor, runPk: number, metrics: readonly Metric[]): Promise<void> {
  const byKey = metricsByKey(metrics);
  const latest = new Map<string, Metric>();
  for (const metric of metrics) {
    const current = latest.get(metric.key);
    if (current === undefined || isLater(metric, current)) latest.set(metric.key, metric);
  }
  const latestRows = [...latest.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const params: SqlValue[] = [];
  for (const metric of latestRows) params.push(runPk, metric.key, metric.step, metric.timestamp, ...encodeMetricValue(metric.value));
  await tx.run(
    `INSERT INTO latest_metrics (run_pk, key, step, timestamp, value, is_nan) VALUES ${latestRows.map(() => metricRow).join(', ')}
     ON CONFLICT (run_pk, key) DO UPDATE SET step = excluded.step, timestamp = excluded.timestamp, value = excluded.value, is_nan = excluded.is_nan
     WHERE excluded.step > latest_metrics.step
        OR (excluded.step = latest_metrics.step AND excluded.timestamp > latest_metrics.timestamp)
        OR (excluded.step = latest_metrics.step AND excluded.timestamp = latest_metrics.timestamp AND excluded.value > latest_metrics.value)`,
    params,
  );
  // After the latest values: on PostgreSQL their upsert locks each (run, key) row, so that two
  // transactions writing one series merge its blocks one after the other.
  const inserted = await writeRunSeries(tx, runPk, latestRows.map(({ key }) => ({ key, incoming: sortUnique(byKey.get(key) ?? []) })));
  // Rollups count points: only the new ones, so that duplicates do not count twice.
  await upsertRollups(tx, runPk, computeRollups(inserted));
}
