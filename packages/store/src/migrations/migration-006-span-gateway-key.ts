import { backfillSpanGatewayKeys } from './backfill-span-gateway-keys.ts';

/**
 * The virtual key of a gateway call as a span column (`gateway_key`, filled at ingest by the trace
 * mapper from `keel.gateway.key`), so that trace metrics group by key as they do by model (ADR 0008).
 *
 * The generations index is rebuilt with `service_name` and `gateway_key` in it: the gateway
 * dashboard's metrics are always filtered to service keel-gateway, and this keeps them inside the
 * covering index. `gateway_key` sits after the heavy columns in the table, so reading it from a row
 * whose `raw` overflowed would walk the row's overflow pages.
 *
 * Gateway spans stored before this migration name their key only in `raw`; the backfill reads it
 * from there (in TypeScript: PostgreSQL's json input refuses documents that JSON.stringify writes,
 * such as a lone surrogate or \u0000 in a body).
 */
export const migration006SpanGatewayKey = {
  version: 6,
  name: 'span-gateway-key',
  sql: `
ALTER TABLE spans ADD COLUMN gateway_key TEXT;
DROP INDEX spans_generations;
CREATE INDEX spans_generations ON spans (project_id, start_us, model, provider, user_id, prompt_name, prompt_version, service_name, gateway_key, trace_id, latency_ms, cost, input_tokens, output_tokens) WHERE model IS NOT NULL;
`,
  // The same guess at the shape as migration 2 (dropping the index dropped its statistics).
  sqliteOnly: `
DELETE FROM sqlite_stat1 WHERE tbl = 'spans' AND idx = 'spans_generations';
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('spans', 'spans_generations', '400000 400000 1 1 1 1 1 1 1 1 1 1 1 1 1');
ANALYZE sqlite_schema;
`,
  backfill: backfillSpanGatewayKeys,
};
