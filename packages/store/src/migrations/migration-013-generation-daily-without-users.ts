import type { Migration } from './run-migrations.ts';

/**
 * `generation_daily` loses `user_id` (ADR 0019). Keyed by user as well, the table held about one row
 * per generation for an application with thousands of users a day, so every insert of spans updated
 * rows scattered over the whole table, and on SQLite each page it touched cost a whole page in the
 * WAL: a fifth of the WAL frames under the OTLP ingest bench. Without users a day holds a row per
 * model, provider and prompt version. Cost totals grouped by user are summed from the generations
 * themselves. The rows are merged per new key; the table is rebuilt the same way on both dialects.
 */
export const migration013GenerationDailyWithoutUsers: Migration = {
  version: 13,
  name: 'generation-daily-without-users',
  sql: `
CREATE TABLE generation_daily_by_model (
  project_id BIGINT NOT NULL,
  day BIGINT NOT NULL,
  model TEXT NOT NULL,
  provider TEXT NOT NULL,
  prompt_name TEXT NOT NULL,
  prompt_version BIGINT NOT NULL,
  generations BIGINT NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cost {{double}} NOT NULL,
  PRIMARY KEY (project_id, day, model, provider, prompt_name, prompt_version)
){{without_rowid}};
INSERT INTO generation_daily_by_model (project_id, day, model, provider, prompt_name, prompt_version, generations, input_tokens, output_tokens, cost)
  SELECT project_id, day, model, provider, prompt_name, prompt_version, SUM(generations), SUM(input_tokens), SUM(output_tokens), SUM(cost)
  FROM generation_daily
  GROUP BY project_id, day, model, provider, prompt_name, prompt_version;
DROP TABLE generation_daily;
ALTER TABLE generation_daily_by_model RENAME TO generation_daily
`,
};
