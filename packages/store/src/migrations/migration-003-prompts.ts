/**
 * The prompt registry. `prompts.next_version` is the per-prompt counter: a version is numbered by
 * an UPDATE ... RETURNING on that row, which PostgreSQL serialises per row, so two servers creating
 * versions at once get distinct consecutive numbers (as registered models do). Versions are never
 * changed or deleted; labels point at one version each; every label move is kept as an event.
 */
export const migration003Prompts = {
  version: 3,
  name: 'prompts',
  sql: `
CREATE TABLE prompts (
  pk {{id}},
  project_id BIGINT NOT NULL REFERENCES projects(id),
  name TEXT NOT NULL,
  next_version BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (project_id, name)
);
CREATE TABLE prompt_versions (
  prompt_pk BIGINT NOT NULL REFERENCES prompts(pk),
  version BIGINT NOT NULL,
  type TEXT NOT NULL,
  content TEXT NOT NULL,
  variables_json TEXT NOT NULL,
  config_json TEXT NOT NULL,
  commit_message TEXT NOT NULL,
  created_by TEXT NOT NULL,
  author_name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (prompt_pk, version)
);
CREATE TABLE prompt_labels (
  prompt_pk BIGINT NOT NULL REFERENCES prompts(pk),
  label TEXT NOT NULL,
  version BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (prompt_pk, label),
  FOREIGN KEY (prompt_pk, version) REFERENCES prompt_versions(prompt_pk, version)
);
CREATE TABLE prompt_label_events (
  id {{id}},
  prompt_pk BIGINT NOT NULL REFERENCES prompts(pk),
  label TEXT NOT NULL,
  from_version BIGINT,
  to_version BIGINT,
  actor TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX prompt_label_events_by_prompt ON prompt_label_events (prompt_pk, id);
`,
};
