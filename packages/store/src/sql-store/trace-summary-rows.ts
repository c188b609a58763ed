import type { TraceSummary } from '@keel/spec';
import type { SqlExecutor, SqlRow } from '../drivers/sql-driver.ts';
import { placeholders } from './compile-comparison.ts';
import { nullableString } from './trace-span-row.ts';

/** Columns of `traces` that `loadTraceSummaries` needs, for queries that select from `traces t`. */
export const traceSummaryColumns =
  't.trace_id, t.start_us, t.end_us, t.span_count, t.error_count, t.ok_count, t.input_tokens, t.output_tokens, t.cost, t.root_span_id, t.root_name, t.user_id, t.session_id';

const statusOf = (row: SqlRow): TraceSummary['status'] => (Number(row.error_count) > 0 ? 'error' : Number(row.ok_count) > 0 ? 'ok' : 'unset');

/**
 * Completes a page of `traces` rows with what the summary does not keep: the models and tags of all
 * spans and the root span's input and output. One query for the whole page.
 */
export async function loadTraceSummaries(db: SqlExecutor, projectId: number, rows: readonly SqlRow[]): Promise<TraceSummary[]> {
  if (rows.length === 0) return [];
  const traceIds = rows.map((row) => String(row.trace_id));
  const spans = await db.all(
    `SELECT s.trace_id, s.model, s.tags, CASE WHEN s.span_id = t.root_span_id THEN s.input END AS input, CASE WHEN s.span_id = t.root_span_id THEN s.output END AS output,
       CASE WHEN s.span_id = t.root_span_id THEN 1 ELSE 0 END AS is_root
     FROM spans s JOIN traces t ON t.project_id = s.project_id AND t.trace_id = s.trace_id
     WHERE s.project_id = ? AND s.trace_id IN (${placeholders(traceIds.length)})
     ORDER BY s.trace_id, s.start_us, s.span_id`,
    [projectId, ...traceIds],
  );
  const details = new Map<string, { models: Set<string>; tags: Set<string>; input: string | null; output: string | null }>();
  for (const span of spans) {
    const traceId = String(span.trace_id);
    let detail = details.get(traceId);
    if (detail === undefined) {
      detail = { models: new Set(), tags: new Set(), input: null, output: null };
      details.set(traceId, detail);
    }
    if (span.model !== null && span.model !== undefined) detail.models.add(String(span.model));
    for (const tag of JSON.parse(String(span.tags)) as string[]) detail.tags.add(tag);
    if (Number(span.is_root) === 1) {
      detail.input = nullableString(span.input);
      detail.output = nullableString(span.output);
    }
  }
  return rows.map((row) => {
    const detail = details.get(String(row.trace_id));
    const startUs = Number(row.start_us);
    const endUs = Number(row.end_us);
    return {
      traceId: String(row.trace_id),
      name: String(row.root_name),
      startUs,
      endUs,
      latencyMs: (endUs - startUs) / 1000,
      status: statusOf(row),
      userId: nullableString(row.user_id),
      sessionId: nullableString(row.session_id),
      // Tags in order of first appearance (spans by start); models sorted, for a stable list.
      tags: detail === undefined ? [] : [...detail.tags],
      models: detail === undefined ? [] : [...detail.models].sort(),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      cost: Number(row.cost),
      spanCount: Number(row.span_count),
      input: detail?.input ?? null,
      output: detail?.output ?? null,
    };
  });
}
