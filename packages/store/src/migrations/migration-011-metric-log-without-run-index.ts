import type { Migration } from './run-migrations.ts';

/**
 * The metric log loses its index on (run_pk, id), and on SQLite its ids are never used twice (ADR
 * 0009, amendment of migration 11). Compaction now reads the log in id order, groups rows by run in
 * memory, and deletes the range it compacted in one statement after writing them:
 * - nothing looks rows up by run any more, and the index cost every append a second B-tree insert;
 * - a plain INTEGER PRIMARY KEY starts again at 1 once the table is empty, so a process whose pass
 *   was between its writes and its delete while another process emptied the log would delete the
 *   new rows that took the old ids. AUTOINCREMENT never hands out an id again. PostgreSQL's identity
 *   column never did.
 * SQLite cannot change a column, so the table is rebuilt; the rows waiting in it keep their ids.
 */
export const migration011MetricLogWithoutRunIndex: Migration = {
  version: 11,
  name: 'metric-log-without-run-index',
  sql: '',
  sqliteOnly: `
CREATE TABLE metric_log_sequenced (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_pk BIGINT NOT NULL,
  points INTEGER NOT NULL,
  payload BLOB NOT NULL
);
INSERT INTO metric_log_sequenced (id, run_pk, points, payload) SELECT id, run_pk, points, payload FROM metric_log;
DROP TABLE metric_log;
ALTER TABLE metric_log_sequenced RENAME TO metric_log;
`,
  postgresOnly: 'DROP INDEX metric_log_by_run',
};
