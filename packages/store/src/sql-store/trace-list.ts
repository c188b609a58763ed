import type { SqlDriver, SqlValue } from '../drivers/sql-driver.ts';
import type { TraceListQuery, TraceStore } from '@keel/spec';
import { decodeKeyset, keysetPage } from './trace-keyset.ts';
import { containsPattern, jsonStringPattern } from './trace-like.ts';
import { loadTraceSummaries, traceSummaryColumns } from './trace-summary-rows.ts';

/** The spans of the trace `t`, read through the primary key. */
const spanOfTrace = 'SELECT 1 FROM spans s WHERE s.project_id = t.project_id AND s.trace_id = t.trace_id';

function filterTerms(db: SqlDriver, query: TraceListQuery, where: string[], params: SqlValue[]): void {
  if (query.name !== undefined) {
    where.push('t.root_name = ?');
    params.push(query.name);
  }
  if (query.userId !== undefined) {
    where.push('t.user_id = ?');
    params.push(query.userId);
  }
  if (query.sessionId !== undefined) {
    where.push('t.session_id = ?');
    params.push(query.sessionId);
  }
  if (query.status !== undefined) {
    where.push({ error: 't.error_count > 0', ok: 't.error_count = 0 AND t.ok_count > 0', unset: 't.error_count = 0 AND t.ok_count = 0' }[query.status]);
  }
  if (query.minLatencyMs !== undefined) {
    where.push('t.end_us - t.start_us >= CAST(? AS DOUBLE PRECISION)');
    params.push(query.minLatencyMs * 1000);
  }
  if (query.minCost !== undefined) {
    where.push('t.cost >= CAST(? AS DOUBLE PRECISION)');
    params.push(query.minCost);
  }
  // Span-level filters probe the few spans of each candidate trace through the primary key.
  if (query.model !== undefined) {
    where.push(`EXISTS (${spanOfTrace} AND s.model = ?)`);
    params.push(query.model);
  }
  if (query.tag !== undefined) {
    // LIKE finds candidates cheaply; the JSON test makes the match exact (a tag `x"a` contains `"a"`).
    const exact = db.dialect === 'sqlite'
      ? 'EXISTS (SELECT 1 FROM json_each(s.tags) j WHERE j.value = ?)'
      : 's.tags::jsonb @> jsonb_build_array(CAST(? AS TEXT))';
    where.push(`EXISTS (${spanOfTrace} AND s.tags LIKE ? ESCAPE '\\' AND ${exact})`);
    params.push(jsonStringPattern(query.tag), query.tag);
  }
  if (query.text !== undefined && query.text !== '') {
    // LOWER folds ASCII only on SQLite; PostgreSQL folds by its locale.
    where.push(`EXISTS (${spanOfTrace} AND (LOWER(s.input) LIKE ? ESCAPE '\\' OR LOWER(s.output) LIKE ? ESCAPE '\\'))`);
    const pattern = containsPattern(query.text.toLowerCase());
    params.push(pattern, pattern);
  }
}

export function createListTraces(db: SqlDriver): TraceStore['listTraces'] {
  return async (projectId, query) => {
    const where = ['t.project_id = ?', 't.start_us >= ?', 't.start_us < ?'];
    const params: SqlValue[] = [projectId, query.fromUs, query.toUs];
    filterTerms(db, query, where, params);
    const after = decodeKeyset(query.pageToken);
    if (after !== undefined) {
      where.push('(t.start_us < ? OR (t.start_us = ? AND t.trace_id < ?))');
      params.push(after.at, after.at, after.id);
    }
    const rows = await db.all(
      `SELECT ${traceSummaryColumns} FROM traces t WHERE ${where.join(' AND ')} ORDER BY t.start_us DESC, t.trace_id DESC LIMIT ?`,
      [...params, query.limit + 1],
    );
    const page = keysetPage(rows, query.limit, (row) => ({ at: Number(row.start_us), id: String(row.trace_id) }));
    return { items: await loadTraceSummaries(db, projectId, page.items), nextPageToken: page.nextPageToken };
  };
}
