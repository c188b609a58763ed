import type { Migration } from './run-migrations.ts';

/**
 * The metric log loses its index on (run_pk, id) (ADR 0009, amendment of migration 11). Compaction
 * now reads the log in id order and groups rows by run in memory, then deletes the range it
 * compacted in one statement, so nothing looks rows up by run. The index cost every append a second
 * B-tree insert, and a group commit of appends from many runs dirtied one of its leaves per run.
 */
export const migration011MetricLogWithoutRunIndex: Migration = {
  version: 11,
  name: 'metric-log-without-run-index',
  sql: `DROP INDEX metric_log_by_run;`,
};
