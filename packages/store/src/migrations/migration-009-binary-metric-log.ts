import type { Migration } from './run-migrations.ts';

/**
 * `metric_log.payload` becomes binary (ADR 0009, `sql-store/metric-log-codec.ts`): a batch's
 * points as packed doubles instead of JSON text, cheaper to write and to read back on every
 * log-batch. SQLite cannot change a column's type, so the table is rebuilt; the rows waiting in
 * it keep their JSON text, which the codec still reads. PostgreSQL (where the table stays empty)
 * converts the column in place.
 */
export const migration009BinaryMetricLog: Migration = {
  version: 9,
  name: 'binary-metric-log',
  sql: '',
  sqliteOnly: `
CREATE TABLE metric_log_binary (
  id INTEGER PRIMARY KEY,
  run_pk BIGINT NOT NULL,
  points INTEGER NOT NULL,
  payload BLOB NOT NULL
);
INSERT INTO metric_log_binary (id, run_pk, points, payload) SELECT id, run_pk, points, payload FROM metric_log;
DROP TABLE metric_log;
ALTER TABLE metric_log_binary RENAME TO metric_log;
CREATE INDEX metric_log_by_run ON metric_log (run_pk, id);
`,
  postgresOnly: `ALTER TABLE metric_log ALTER COLUMN payload TYPE BYTEA USING convert_to(payload, 'UTF8')`,
};
