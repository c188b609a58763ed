/**
 * Tracing. `spans` is the append-only source of truth; `traces` is a summary per trace kept up to
 * date by insertSpans and deleteSpansBefore (as latest_metrics is for runs), so that listing traces
 * reads one row per trace instead of grouping every span of the window.
 *
 * Span rows carry kilobytes of input, output and raw attributes, so the heavy columns come last and
 * the aggregates read a covering index of generations (spans with a model) instead of the table.
 */
export const migration002Traces = {
  version: 2,
  name: 'traces',
  sql: `
CREATE TABLE spans (
  project_id BIGINT NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_us BIGINT NOT NULL,
  end_us BIGINT NOT NULL,
  latency_ms {{double}} NOT NULL,
  status TEXT NOT NULL,
  status_message TEXT NOT NULL,
  service_name TEXT,
  provider TEXT,
  request_model TEXT,
  response_model TEXT,
  model TEXT,
  input_tokens BIGINT,
  output_tokens BIGINT,
  cached_input_tokens BIGINT,
  cost {{double}},
  cost_source TEXT,
  ttft_ms {{double}},
  session_id TEXT,
  user_id TEXT,
  prompt_name TEXT,
  prompt_version BIGINT,
  mapper_version INTEGER NOT NULL,
  tags TEXT NOT NULL,
  input TEXT,
  output TEXT,
  raw TEXT NOT NULL,
  PRIMARY KEY (project_id, trace_id, span_id)
);
CREATE INDEX spans_by_start ON spans (project_id, start_us);
CREATE INDEX spans_generations ON spans (project_id, start_us, model, provider, user_id, prompt_name, prompt_version, trace_id, latency_ms, cost, input_tokens, output_tokens) WHERE model IS NOT NULL;
CREATE INDEX spans_by_prompt ON spans (project_id, prompt_name, start_us, prompt_version, trace_id, latency_ms, cost, input_tokens, output_tokens) WHERE prompt_name IS NOT NULL;
CREATE TABLE traces (
  project_id BIGINT NOT NULL,
  trace_id TEXT NOT NULL,
  start_us BIGINT NOT NULL,
  end_us BIGINT NOT NULL,
  span_count BIGINT NOT NULL,
  error_count BIGINT NOT NULL,
  ok_count BIGINT NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cost {{double}} NOT NULL,
  root_has_parent INTEGER NOT NULL,
  root_start_us BIGINT NOT NULL,
  root_span_id TEXT NOT NULL,
  root_name TEXT NOT NULL,
  user_id TEXT,
  session_id TEXT,
  PRIMARY KEY (project_id, trace_id)
){{without_rowid}};
CREATE INDEX traces_by_start ON traces (project_id, start_us, trace_id);
CREATE INDEX traces_by_session ON traces (project_id, session_id, start_us, trace_id) WHERE session_id IS NOT NULL;
CREATE TABLE trace_scores (
  id TEXT PRIMARY KEY,
  project_id BIGINT NOT NULL REFERENCES projects(id),
  trace_id TEXT NOT NULL,
  span_id TEXT,
  name TEXT NOT NULL,
  data_type TEXT NOT NULL,
  value {{double}},
  label TEXT,
  source TEXT NOT NULL,
  comment TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX trace_scores_by_trace ON trace_scores (project_id, trace_id, created_at);
CREATE TABLE trace_settings (
  project_id BIGINT PRIMARY KEY REFERENCES projects(id),
  retention_days BIGINT,
  settings_json TEXT NOT NULL
);
`,
  /**
   * Without statistics SQLite takes `project_id = ?` for a selective term, and then reads a trace's
   * spans through (project_id, start_us) or probes the generations index for every candidate trace:
   * seconds at a million spans. These figures describe the shape (few projects, ~5 spans a trace)
   * until an ANALYZE replaces them with measured ones; ANALYZE sqlite_schema makes SQLite load them.
   */
  sqliteOnly: `
ANALYZE sqlite_schema;
DELETE FROM sqlite_stat1 WHERE tbl IN ('spans', 'traces');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
  ('spans', 'sqlite_autoindex_spans_1', '1000000 1000000 5 1'),
  ('spans', 'spans_by_start', '1000000 1000000 1'),
  ('spans', 'spans_generations', '400000 400000 1 1 1 1 1 1 1 1 1 1 1'),
  ('spans', 'spans_by_prompt', '200000 200000 20000 1 1 1 1 1 1 1'),
  ('traces', 'traces', '200000 200000 1'),
  ('traces', 'traces_by_start', '200000 200000 1 1'),
  ('traces', 'traces_by_session', '100000 100000 10 1 1');
ANALYZE sqlite_schema;
`,
};
