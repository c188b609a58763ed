/**
 * Span storage for ingest throughput (ADR 0010). `spans_by_start` (project_id, start_us) was an index
 * over every span that only the retention job read; each insert paid for it. Retention now finds old
 * spans through the trace summaries (`traces_by_start`): every span that started before a cut belongs
 * to a trace whose summary starts before it, and that trace's spans are read through the primary key.
 *
 * The other half of the change needs no DDL: `spans.raw` no longer holds the message text a second
 * time (trace-raw-text.ts). Rows stored before keep their whole raw text and read back as they are,
 * so existing data is left untouched on both dialects.
 */
export const migration008SpanStorage = {
  version: 8,
  name: 'span-storage',
  sql: `
DROP INDEX spans_by_start;
`,
  // Dropping the index dropped its statistics row too; ANALYZE sqlite_schema reloads what is left.
  sqliteOnly: `
DELETE FROM sqlite_stat1 WHERE tbl = 'spans' AND idx = 'spans_by_start';
ANALYZE sqlite_schema;
`,
};
