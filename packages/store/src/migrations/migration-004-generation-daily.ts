/**
 * Daily sums of generations (spans with a model) per project, model, provider, user and prompt
 * version, kept by insertSpans and the retention job. Cost and token totals over long windows read
 * these instead of every generation; the partial days at a window's edges still come from spans.
 * Absent values are '' (text) and -1 (prompt version) so that they can be part of the key.
 */
export const migration004GenerationDaily = {
  version: 4,
  name: 'generation-daily',
  sql: `
CREATE TABLE generation_daily (
  project_id BIGINT NOT NULL,
  day BIGINT NOT NULL,
  model TEXT NOT NULL,
  provider TEXT NOT NULL,
  user_id TEXT NOT NULL,
  prompt_name TEXT NOT NULL,
  prompt_version BIGINT NOT NULL,
  generations BIGINT NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cost {{double}} NOT NULL,
  PRIMARY KEY (project_id, day, model, provider, user_id, prompt_name, prompt_version)
){{without_rowid}};
INSERT INTO generation_daily (project_id, day, model, provider, user_id, prompt_name, prompt_version, generations, input_tokens, output_tokens, cost)
  SELECT project_id, start_us / 86400000000, model, COALESCE(provider, ''), COALESCE(user_id, ''), COALESCE(prompt_name, ''), COALESCE(prompt_version, -1),
         COUNT(*), SUM(COALESCE(input_tokens, 0)), SUM(COALESCE(output_tokens, 0)), SUM(COALESCE(cost, 0))
  FROM spans WHERE model IS NOT NULL
  GROUP BY project_id, start_us / 86400000000, model, COALESCE(provider, ''), COALESCE(user_id, ''), COALESCE(prompt_name, ''), COALESCE(prompt_version, -1)
`,
};
