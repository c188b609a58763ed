import type { Migration } from './run-migrations.ts';

/**
 * On SQLite the generations index is keyed by a number given at insert instead of by span start
 * (ADR 0020). Spans arrive with start times spread over the last seconds to minutes, so an index
 * keyed by start took each transaction's generations at places scattered over its recent pages, and
 * every page touched cost a whole page in the WAL. `gen_seq` grows at the ends of its range only
 * (`span-chunks.ts`), so new entries go at the ends of the index. `span_chunks` maps ranges of
 * `gen_seq` to the span starts they hold, so a query for a time window reads the chunks that overlap
 * it and, in each, a range of the index. Existing generations get numbers in order of start, per
 * project, and one chunk per hour.
 *
 * PostgreSQL gets the column and the table, so that both dialects have one schema, but keeps its
 * index by start and leaves them empty: its WAL logs rows, not whole pages, and numbering there
 * would make the servers that insert into one project take turns.
 */
export const migration014GenerationsBySequence: Migration = {
  version: 14,
  name: 'generations-by-sequence',
  sql: `
ALTER TABLE spans ADD COLUMN gen_seq BIGINT;
CREATE TABLE span_chunks (
  project_id BIGINT NOT NULL,
  seq_lo BIGINT NOT NULL,
  seq_hi BIGINT NOT NULL,
  start_lo BIGINT NOT NULL,
  start_hi BIGINT NOT NULL,
  PRIMARY KEY (project_id, seq_lo)
);
`,
  // The index by number, and the same guess at its shape as migration 6 (dropping the index dropped its statistics).
  sqliteOnly: `
UPDATE spans SET gen_seq = numbered.n FROM (
  SELECT rowid AS r, ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY start_us, trace_id, span_id) AS n
  FROM spans WHERE model IS NOT NULL
) numbered WHERE spans.rowid = numbered.r;
INSERT INTO span_chunks (project_id, seq_lo, seq_hi, start_lo, start_hi)
  SELECT project_id, MIN(gen_seq), MAX(gen_seq), MIN(start_us), MAX(start_us) FROM spans WHERE model IS NOT NULL
  GROUP BY project_id, start_us / 3600000000;
DROP INDEX spans_generations;
CREATE INDEX spans_generations ON spans (project_id, gen_seq, start_us, model, provider, user_id, prompt_name, prompt_version, service_name, gateway_key, trace_id, latency_ms, cost, input_tokens, output_tokens) WHERE model IS NOT NULL;
DELETE FROM sqlite_stat1 WHERE tbl = 'spans' AND idx = 'spans_generations';
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('spans', 'spans_generations', '400000 400000 1 1 1 1 1 1 1 1 1 1 1 1 1 1');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('span_chunks', 'sqlite_autoindex_span_chunks_1', '1000 1000 1');
ANALYZE sqlite_schema;
`,
};
