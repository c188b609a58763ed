/**
 * The first schema. Written once for both dialects; `{{id}}`, `{{double}}` and `{{without_rowid}}`
 * are filled in by `renderMigration`.
 */
export const migration001Init = {
  version: 1,
  name: 'init',
  sql: `
CREATE TABLE projects (
  id {{id}},
  name TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  next_experiment_number BIGINT NOT NULL DEFAULT 0,
  settings_json TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  project_id BIGINT NOT NULL REFERENCES projects(id),
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  superuser INTEGER NOT NULL DEFAULT 0,
  key_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE TABLE experiments (
  pk {{id}},
  project_id BIGINT NOT NULL REFERENCES projects(id),
  experiment_number BIGINT NOT NULL,
  name TEXT NOT NULL,
  artifact_location TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL,
  creation_time BIGINT NOT NULL,
  last_update_time BIGINT NOT NULL,
  UNIQUE (project_id, experiment_number),
  UNIQUE (project_id, name)
);
CREATE TABLE experiment_tags (
  experiment_pk BIGINT NOT NULL REFERENCES experiments(pk),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (experiment_pk, key)
);
CREATE TABLE runs (
  pk {{id}},
  run_id TEXT NOT NULL UNIQUE,
  project_id BIGINT NOT NULL REFERENCES projects(id),
  experiment_pk BIGINT NOT NULL REFERENCES experiments(pk),
  run_name TEXT NOT NULL,
  user_id TEXT NOT NULL,
  status TEXT NOT NULL,
  start_time BIGINT NOT NULL,
  end_time BIGINT,
  lifecycle_stage TEXT NOT NULL,
  artifact_uri TEXT NOT NULL,
  deleted_time BIGINT
);
CREATE INDEX runs_by_experiment ON runs (experiment_pk, lifecycle_stage, start_time);
CREATE TABLE run_params (
  run_pk BIGINT NOT NULL REFERENCES runs(pk),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_pk, key)
){{without_rowid}};
CREATE TABLE run_tags (
  run_pk BIGINT NOT NULL REFERENCES runs(pk),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_pk, key)
){{without_rowid}};
CREATE TABLE metrics (
  run_pk BIGINT NOT NULL,
  key TEXT NOT NULL,
  step BIGINT NOT NULL,
  timestamp BIGINT NOT NULL,
  value {{double}} NOT NULL,
  is_nan INTEGER NOT NULL,
  PRIMARY KEY (run_pk, key, step, timestamp, value, is_nan)
){{without_rowid}};
CREATE TABLE latest_metrics (
  run_pk BIGINT NOT NULL,
  key TEXT NOT NULL,
  step BIGINT NOT NULL,
  timestamp BIGINT NOT NULL,
  value {{double}} NOT NULL,
  is_nan INTEGER NOT NULL,
  PRIMARY KEY (run_pk, key)
){{without_rowid}};
CREATE INDEX latest_metrics_by_key ON latest_metrics (key, value);
CREATE TABLE metric_rollups (
  run_pk BIGINT NOT NULL,
  key TEXT NOT NULL,
  level INTEGER NOT NULL,
  bucket BIGINT NOT NULL,
  point_count BIGINT NOT NULL,
  lo_step BIGINT NOT NULL,
  hi_step BIGINT NOT NULL,
  min_value {{double}},
  min_step BIGINT,
  min_timestamp BIGINT,
  max_value {{double}},
  max_step BIGINT,
  max_timestamp BIGINT,
  PRIMARY KEY (run_pk, key, level, bucket)
){{without_rowid}};
CREATE TABLE run_inputs (
  run_pk BIGINT NOT NULL REFERENCES runs(pk),
  dataset_name TEXT NOT NULL,
  dataset_digest TEXT NOT NULL,
  source_type TEXT NOT NULL,
  source TEXT NOT NULL,
  dataset_schema TEXT,
  profile TEXT,
  context TEXT,
  tags_json TEXT NOT NULL,
  PRIMARY KEY (run_pk, dataset_name, dataset_digest)
);
CREATE TABLE run_model_links (
  run_pk BIGINT NOT NULL REFERENCES runs(pk),
  direction TEXT NOT NULL,
  model_id TEXT NOT NULL,
  step BIGINT NOT NULL,
  PRIMARY KEY (run_pk, direction, model_id, step)
);
CREATE TABLE logged_models (
  pk {{id}},
  model_id TEXT NOT NULL UNIQUE,
  project_id BIGINT NOT NULL REFERENCES projects(id),
  experiment_pk BIGINT NOT NULL REFERENCES experiments(pk),
  name TEXT NOT NULL,
  source_run_id TEXT NOT NULL,
  status TEXT NOT NULL,
  model_type TEXT NOT NULL,
  artifact_uri TEXT NOT NULL,
  creator_id TEXT NOT NULL,
  creation_timestamp BIGINT NOT NULL,
  last_updated_timestamp BIGINT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE logged_model_tags (
  model_pk BIGINT NOT NULL REFERENCES logged_models(pk),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (model_pk, key)
);
CREATE TABLE logged_model_params (
  model_pk BIGINT NOT NULL REFERENCES logged_models(pk),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (model_pk, key)
);
CREATE TABLE registered_models (
  pk {{id}},
  project_id BIGINT NOT NULL REFERENCES projects(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  user_id TEXT NOT NULL,
  creation_timestamp BIGINT NOT NULL,
  last_updated_timestamp BIGINT NOT NULL,
  next_version BIGINT NOT NULL DEFAULT 1,
  UNIQUE (project_id, name)
);
CREATE TABLE registered_model_tags (
  model_pk BIGINT NOT NULL REFERENCES registered_models(pk) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (model_pk, key)
);
CREATE TABLE model_versions (
  model_pk BIGINT NOT NULL REFERENCES registered_models(pk) ON DELETE CASCADE,
  version BIGINT NOT NULL,
  creation_timestamp BIGINT NOT NULL,
  last_updated_timestamp BIGINT NOT NULL,
  user_id TEXT NOT NULL,
  current_stage TEXT NOT NULL,
  description TEXT NOT NULL,
  source TEXT NOT NULL,
  run_id TEXT NOT NULL,
  model_id TEXT NOT NULL,
  status TEXT NOT NULL,
  status_message TEXT NOT NULL,
  run_link TEXT NOT NULL,
  PRIMARY KEY (model_pk, version)
);
CREATE INDEX model_versions_by_run ON model_versions (run_id);
CREATE TABLE model_version_tags (
  model_pk BIGINT NOT NULL,
  version BIGINT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (model_pk, version, key),
  FOREIGN KEY (model_pk, version) REFERENCES model_versions(model_pk, version) ON DELETE CASCADE
);
CREATE TABLE registered_model_aliases (
  model_pk BIGINT NOT NULL REFERENCES registered_models(pk) ON DELETE CASCADE,
  alias TEXT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (model_pk, alias)
);
CREATE TABLE registry_events (
  id {{id}},
  project_id BIGINT NOT NULL REFERENCES projects(id),
  model_name TEXT NOT NULL,
  version BIGINT,
  alias TEXT,
  action TEXT NOT NULL,
  actor TEXT NOT NULL,
  at BIGINT NOT NULL,
  details_json TEXT NOT NULL
);
CREATE INDEX registry_events_by_model ON registry_events (project_id, model_name, id);
`,
};
