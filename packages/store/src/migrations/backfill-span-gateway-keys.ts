import type { SqlExecutor, SqlValue } from '../drivers/sql-driver.ts';

/** The service name of the spans Keel's gateway writes; only they carry `keel.gateway.key`. */
const gatewayService = 'keel-gateway';
const pageSize = 500;

/** The key as the trace mapper reads it: a non-empty text, else none. */
function keyFromRaw(raw: unknown): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(raw));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const attributes = (parsed as { attributes?: unknown }).attributes;
  if (typeof attributes !== 'object' || attributes === null) return null;
  const key = (attributes as Record<string, unknown>)['keel.gateway.key'];
  return typeof key === 'string' && key.length > 0 ? key : null;
}

/**
 * Fills `gateway_key` of the gateway spans stored before the column existed, from their raw
 * attributes, and marks them as mapped by mapper version 2 (which reads the key). Pages through
 * the gateway spans by primary key, and writes each page's keys in one UPDATE.
 */
export async function backfillSpanGatewayKeys(tx: SqlExecutor): Promise<void> {
  let after: [number, string, string] = [-1, '', ''];
  for (;;) {
    const rows = await tx.all(
      `SELECT project_id, trace_id, span_id, raw FROM spans
       WHERE (project_id, trace_id, span_id) > (?, ?, ?) AND service_name = ? AND gateway_key IS NULL
       ORDER BY project_id, trace_id, span_id LIMIT ${pageSize}`,
      [...after, gatewayService],
    );
    const last = rows.at(-1);
    if (last === undefined) return;
    after = [Number(last.project_id), String(last.trace_id), String(last.span_id)];
    const params: SqlValue[] = [];
    for (const row of rows) {
      const key = keyFromRaw(row.raw);
      if (key !== null) params.push(Number(row.project_id), String(row.trace_id), String(row.span_id), key);
    }
    if (params.length === 0) continue;
    const values = Array.from({ length: params.length / 4 }, () => '(?, ?, ?, ?)').join(', ');
    // VALUES columns are column1..column4 in both dialects; PostgreSQL types untyped parameters as text, hence the casts.
    await tx.run(
      `UPDATE spans SET gateway_key = CAST(keys.column4 AS TEXT), mapper_version = 2 FROM (VALUES ${values}) AS keys
       WHERE spans.project_id = CAST(keys.column1 AS BIGINT) AND spans.trace_id = CAST(keys.column2 AS TEXT) AND spans.span_id = CAST(keys.column3 AS TEXT)`,
      params,
    );
  }
}
