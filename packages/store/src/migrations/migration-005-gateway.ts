/**
 * The LLM gateway: one configuration document per project (its version guards concurrent writes
 * and tells other servers to reload), virtual keys stored as hashes (at most one live key per
 * name, so a name can be reused once its key is revoked), and usage summed per project, UTC day,
 * key and model. Usage rows are only ever added to (`addGatewayUsage` is an additive UPSERT), so
 * several gateway processes can flush their counts without coordinating.
 */
export const migration005Gateway = {
  version: 5,
  name: 'gateway',
  sql: `
CREATE TABLE gateway_configs (
  project_id BIGINT NOT NULL PRIMARY KEY REFERENCES projects(id),
  document TEXT NOT NULL,
  version BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE gateway_keys (
  id TEXT NOT NULL PRIMARY KEY,
  project_id BIGINT NOT NULL REFERENCES projects(id),
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE UNIQUE INDEX gateway_keys_live_name ON gateway_keys (project_id, name) WHERE revoked_at IS NULL;
CREATE INDEX gateway_keys_by_project ON gateway_keys (project_id, created_at);
CREATE TABLE gateway_usage_daily (
  project_id BIGINT NOT NULL,
  day TEXT NOT NULL,
  key_name TEXT NOT NULL,
  model TEXT NOT NULL,
  requests BIGINT NOT NULL,
  errors BIGINT NOT NULL,
  cache_hits BIGINT NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  estimated_requests BIGINT NOT NULL,
  cost_micros BIGINT NOT NULL,
  PRIMARY KEY (project_id, day, key_name, model)
){{without_rowid}}
`,
};
