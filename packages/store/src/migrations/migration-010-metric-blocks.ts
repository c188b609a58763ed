import { backfillMetricBlocks } from './backfill-metric-blocks.ts';
import type { Migration } from './run-migrations.ts';

/**
 * Metric points move from one row each (`metrics`) to blocks of up to 128 points of one run's key
 * (`metric_blocks`, ADR 0014): a compaction of the metric log, or a log-batch on PostgreSQL, writes
 * a few rows per key instead of a row per point. The blocks of a series cover disjoint step ranges,
 * so the primary key's `lo_step` orders them. The backfill packs the existing points and drops
 * `metrics`.
 */
export const migration010MetricBlocks: Migration = {
  version: 10,
  name: 'metric-blocks',
  sql: `
CREATE TABLE metric_blocks (
  run_pk BIGINT NOT NULL,
  key TEXT NOT NULL,
  lo_step BIGINT NOT NULL,
  hi_step BIGINT NOT NULL,
  point_count INTEGER NOT NULL,
  points {{blob}} NOT NULL,
  PRIMARY KEY (run_pk, key, lo_step)
);
`,
  backfill: backfillMetricBlocks,
};
