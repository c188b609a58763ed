import type { SessionSummary, TraceStore } from '@keel/spec';
import type { SqlDriver, SqlValue } from '../drivers/sql-driver.ts';
import { placeholders } from './compile-comparison.ts';
import { decodeKeyset, keysetPage } from './trace-keyset.ts';
import { loadTraceSummaries, traceSummaryColumns } from './trace-summary-rows.ts';

/**
 * Sessions are read from the trace summaries: a session is the traces that share a session id, and
 * its figures cover the traces that start in the window. Newest activity (latest trace end) first.
 */
export function createListSessions(db: SqlDriver): TraceStore['listSessions'] {
  return async (projectId, query) => {
    const params: SqlValue[] = [projectId, query.fromUs, query.toUs];
    const having: string[] = [];
    if (query.userId !== undefined) {
      having.push('SUM(CASE WHEN user_id = ? THEN 1 ELSE 0 END) > 0');
      params.push(query.userId);
    }
    const after = decodeKeyset(query.pageToken);
    if (after !== undefined) {
      having.push('(MAX(end_us) < ? OR (MAX(end_us) = ? AND session_id < ?))');
      params.push(after.at, after.at, after.id);
    }
    const rows = await db.all(
      `SELECT session_id, COUNT(*) AS trace_count, MIN(start_us) AS first_us, MAX(end_us) AS last_us,
         SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(cost) AS cost
       FROM traces WHERE project_id = ? AND session_id IS NOT NULL AND start_us >= ? AND start_us < ?
       GROUP BY session_id ${having.length > 0 ? `HAVING ${having.join(' AND ')}` : ''}
       ORDER BY last_us DESC, session_id DESC LIMIT ?`,
      [...params, query.limit + 1],
    );
    const page = keysetPage(rows, query.limit, (row) => ({ at: Number(row.last_us), id: String(row.session_id) }));
    const users = new Map<string, Set<string>>();
    if (page.items.length > 0) {
      const sessionIds = page.items.map((row) => String(row.session_id));
      const userRows = await db.all(
        `SELECT DISTINCT session_id, user_id FROM traces
         WHERE project_id = ? AND session_id IN (${placeholders(sessionIds.length)}) AND start_us >= ? AND start_us < ? AND user_id IS NOT NULL`,
        [projectId, ...sessionIds, query.fromUs, query.toUs],
      );
      for (const row of userRows) {
        const sessionId = String(row.session_id);
        const set = users.get(sessionId) ?? new Set<string>();
        set.add(String(row.user_id));
        users.set(sessionId, set);
      }
    }
    const items = page.items.map((row): SessionSummary => ({
      sessionId: String(row.session_id),
      traceCount: Number(row.trace_count),
      firstUs: Number(row.first_us),
      lastUs: Number(row.last_us),
      userIds: [...(users.get(String(row.session_id)) ?? [])].sort(),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      cost: Number(row.cost),
    }));
    return { items, nextPageToken: page.nextPageToken };
  };
}

export function createGetSessionTraces(db: SqlDriver): TraceStore['getSessionTraces'] {
  return async (projectId, sessionId, options) => {
    const where = ['t.project_id = ?', 't.session_id = ?'];
    const params: SqlValue[] = [projectId, sessionId];
    const after = decodeKeyset(options.pageToken);
    if (after !== undefined) {
      where.push('(t.start_us > ? OR (t.start_us = ? AND t.trace_id > ?))');
      params.push(after.at, after.at, after.id);
    }
    const rows = await db.all(
      `SELECT ${traceSummaryColumns} FROM traces t WHERE ${where.join(' AND ')} ORDER BY t.start_us, t.trace_id LIMIT ?`,
      [...params, options.limit + 1],
    );
    const page = keysetPage(rows, options.limit, (row) => ({ at: Number(row.start_us), id: String(row.trace_id) }));
    return { items: await loadTraceSummaries(db, projectId, page.items), nextPageToken: page.nextPageToken };
  };
}
