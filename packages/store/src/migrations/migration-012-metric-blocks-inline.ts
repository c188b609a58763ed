import type { Migration } from './run-migrations.ts';

/**
 * PostgreSQL keeps metric blocks in the table's own pages (ADR 0014 amendment). A block of 128
 * points is about 3 KB, and PostgreSQL moves any value out of a row longer than about 2 KB into the
 * table's TOAST relation: every block written was split into chunks there (with their index
 * entries), every block rewritten deleted and wrote them again, and every block read joined them
 * back. Float data does not compress, so nothing was saved by it. With a TOAST target of 8,160
 * bytes (the largest PostgreSQL allows), rows up to that size stay whole in the heap. Rows written
 * before keep their TOAST chunks until they are next rewritten; both read alike. SQLite has no TOAST.
 */
export const migration012MetricBlocksInline: Migration = {
  version: 12,
  name: 'metric-blocks-inline',
  sql: '',
  postgresOnly: 'ALTER TABLE metric_blocks SET (toast_tuple_target = 8160)',
};
