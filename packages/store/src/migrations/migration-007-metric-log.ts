/**
 * The metric write log (ADR 0009). On SQLite, log-batch appends a batch's metrics here as one row
 * and a compactor moves them into metrics, latest_metrics and metric_rollups, many batches of a run
 * at once; every other tracking read or write drains it first. PostgreSQL writes metrics directly
 * and keeps the table empty; it exists there too so that both dialects have one schema.
 *
 * `payload` is the batch's points (`sql-store/metric-log-codec.ts`; binary since migration 9), `points` their number; the
 * index lets compaction take one run's rows at a time.
 */
export const migration007MetricLog = {
  version: 7,
  name: 'metric-log',
  sql: `
CREATE TABLE metric_log (
  id {{id}},
  run_pk BIGINT NOT NULL,
  points INTEGER NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX metric_log_by_run ON metric_log (run_pk, id);
`,
};
