import type { Metric } from '@keel/spec';
import type { SqlExecutor, SqlValue } from '../drivers/sql-driver.ts';
import { decodeMetricValue, encodeMetricValue } from './metric-value.ts';
import { computeRollups, upsertRollups } from './metric-rollups.ts';

const metricChunk = 500;
const metricRow = '(?, ?, ?, ?, ?, ?)';
const insertMetrics = (rows: number): string =>
  `INSERT INTO metrics (run_pk, key, step, timestamp, value, is_nan) VALUES ${Array.from({ length: rows }, () => metricRow).join(', ')} ON CONFLICT DO NOTHING`;
/** Returns the rows actually inserted: a metric logged again (same key, step, timestamp and value) is not. */
const insertMetricsReturning = (rows: number): string => `${insertMetrics(rows)}
   RETURNING key, step, timestamp, value, is_nan`;

/** True when `a` is later than `b` in MLflow's sense: higher step, then later timestamp, then larger value. */
function isLater(a: Metric, b: Metric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}

/**
 * Writes one run's metrics: the points (a point logged again is stored once), the latest value per
 * key, and the rollups of the points that were new. `metrics` may hold several batches at once.
 */
export async function writeMetrics(tx: SqlExecutor, runPk: number, metrics: readonly Metric[]): Promise<void> {
  const inserted: Metric[] = [];
  for (let start = 0; start < metrics.length; start += metricChunk) {
    const chunk = metrics.slice(start, start + metricChunk);
    const params: SqlValue[] = new Array<SqlValue>(chunk.length * 6);
    let index = 0;
    for (const metric of chunk) {
      const [value, isNan] = encodeMetricValue(metric.value);
      params[index++] = runPk;
      params[index++] = metric.key;
      params[index++] = metric.step;
      params[index++] = metric.timestamp;
      params[index++] = value;
      params[index++] = isNan;
    }
    // Usually every row is new, and then the rows inserted are the chunk itself: RETURNING them
    // would nearly double the cost of the insert. When some row was already there, undo the chunk
    // and insert it again with RETURNING to learn which rows are new.
    await tx.run('SAVEPOINT metric_chunk');
    if ((await tx.run(insertMetrics(chunk.length), params)) === chunk.length) {
      await tx.run('RELEASE SAVEPOINT metric_chunk');
      for (const metric of chunk) inserted.push(metric);
      continue;
    }
    await tx.run('ROLLBACK TO SAVEPOINT metric_chunk');
    await tx.run('RELEASE SAVEPOINT metric_chunk');
    const rows = await tx.all(insertMetricsReturning(chunk.length), params);
    for (const row of rows) inserted.push({ key: String(row.key), value: decodeMetricValue(row.value, row.is_nan), timestamp: Number(row.timestamp), step: Number(row.step) });
  }
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
  // Rollups count points: only the new rows, so that duplicates do not count twice.
  await upsertRollups(tx, runPk, computeRollups(inserted));
}
