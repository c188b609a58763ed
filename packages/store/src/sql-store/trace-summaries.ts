import type { SpanRecord } from '@keel/spec';
import type { SqlExecutor, SqlValue } from '../drivers/sql-driver.ts';
import { placeholders } from './compile-comparison.ts';

/**
 * The `traces` summary: what one batch of newly inserted spans adds to each trace. Merged into the
 * stored row with min/max/sum, so concurrent writers to one trace (two servers, PostgreSQL) each
 * add only their own spans. The root is the least span by (has a parent, start, span id), and a
 * trace's user and session are the least non-null values of its spans: both are order-independent,
 * so the summary does not depend on which exporter delivered first.
 */
interface TracePartial {
  projectId: number;
  traceId: string;
  startUs: number;
  endUs: number;
  spanCount: number;
  errorCount: number;
  okCount: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  rootHasParent: number;
  rootStartUs: number;
  rootSpanId: string;
  rootName: string;
  userId: string | null;
  sessionId: string | null;
}

const summaryColumns = [
  'project_id', 'trace_id', 'start_us', 'end_us', 'span_count', 'error_count', 'ok_count', 'input_tokens', 'output_tokens', 'cost',
  'root_has_parent', 'root_start_us', 'root_span_id', 'root_name', 'user_id', 'session_id',
];

const lesser = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : b < a ? b : a);

function isEarlierRoot(hasParent: number, startUs: number, spanId: string, than: TracePartial): boolean {
  if (hasParent !== than.rootHasParent) return hasParent < than.rootHasParent;
  if (startUs !== than.rootStartUs) return startUs < than.rootStartUs;
  return spanId < than.rootSpanId;
}

/** One partial per trace, sorted by (project, trace) so that concurrent upserts lock rows in one order. */
export function summarizeSpans(spans: readonly { projectId: number; span: Omit<SpanRecord, 'raw'> }[]): TracePartial[] {
  const byTrace = new Map<string, TracePartial>();
  for (const { projectId, span } of spans) {
    const key = `${projectId}/${span.traceId}`;
    const hasParent = span.parentSpanId === null ? 0 : 1;
    let partial = byTrace.get(key);
    if (partial === undefined) {
      partial = {
        projectId, traceId: span.traceId, startUs: span.startUs, endUs: span.endUs, spanCount: 0, errorCount: 0, okCount: 0, inputTokens: 0, outputTokens: 0, cost: 0,
        rootHasParent: hasParent, rootStartUs: span.startUs, rootSpanId: span.spanId, rootName: span.name, userId: span.userId, sessionId: span.sessionId,
      };
      byTrace.set(key, partial);
    } else {
      partial.startUs = Math.min(partial.startUs, span.startUs);
      partial.endUs = Math.max(partial.endUs, span.endUs);
      if (isEarlierRoot(hasParent, span.startUs, span.spanId, partial)) {
        partial.rootHasParent = hasParent;
        partial.rootStartUs = span.startUs;
        partial.rootSpanId = span.spanId;
        partial.rootName = span.name;
      }
      partial.userId = lesser(partial.userId, span.userId);
      partial.sessionId = lesser(partial.sessionId, span.sessionId);
    }
    partial.spanCount += 1;
    if (span.status === 'error') partial.errorCount += 1;
    if (span.status === 'ok') partial.okCount += 1;
    partial.inputTokens += span.inputTokens ?? 0;
    partial.outputTokens += span.outputTokens ?? 0;
    partial.cost += span.cost ?? 0;
  }
  return [...byTrace.values()].sort((a, b) => a.projectId - b.projectId || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0));
}

const rootTakes = (name: string): string =>
  `${name} = CASE WHEN (excluded.root_has_parent, excluded.root_start_us, excluded.root_span_id) < (traces.root_has_parent, traces.root_start_us, traces.root_span_id) THEN excluded.${name} ELSE traces.${name} END`;
const leastOf = (name: string): string =>
  `${name} = CASE WHEN traces.${name} IS NULL OR excluded.${name} < traces.${name} THEN COALESCE(excluded.${name}, traces.${name}) ELSE traces.${name} END`;

const mergeSet = [
  'start_us = CASE WHEN excluded.start_us < traces.start_us THEN excluded.start_us ELSE traces.start_us END',
  'end_us = CASE WHEN excluded.end_us > traces.end_us THEN excluded.end_us ELSE traces.end_us END',
  ...['span_count', 'error_count', 'ok_count', 'input_tokens', 'output_tokens', 'cost'].map((name) => `${name} = traces.${name} + excluded.${name}`),
  // All four root columns compare against the stored row as it was before this statement.
  ...['root_has_parent', 'root_start_us', 'root_span_id', 'root_name'].map(rootTakes),
  leastOf('user_id'),
  leastOf('session_id'),
].join(',\n  ');

const rowPlaceholder = `(${summaryColumns.map(() => '?').join(', ')})`;
const chunkSize = 500;

export async function upsertTraceSummaries(tx: SqlExecutor, partials: readonly TracePartial[]): Promise<void> {
  for (let start = 0; start < partials.length; start += chunkSize) {
    const chunk = partials.slice(start, start + chunkSize);
    const params: SqlValue[] = [];
    for (const p of chunk) {
      params.push(
        p.projectId, p.traceId, p.startUs, p.endUs, p.spanCount, p.errorCount, p.okCount, p.inputTokens, p.outputTokens, p.cost,
        p.rootHasParent, p.rootStartUs, p.rootSpanId, p.rootName, p.userId, p.sessionId,
      );
    }
    await tx.run(
      `INSERT INTO traces (${summaryColumns.join(', ')}) VALUES ${chunk.map(() => rowPlaceholder).join(', ')}
ON CONFLICT (project_id, trace_id) DO UPDATE SET
  ${mergeSet}`,
      params,
    );
  }
}

/**
 * Rebuilds the summaries of some traces from their remaining spans (after spans were deleted); a
 * trace without spans loses its summary. Same rules as the incremental merge above.
 */
export async function recomputeTraceSummaries(tx: SqlExecutor, projectId: number, traceIds: readonly string[]): Promise<void> {
  for (let start = 0; start < traceIds.length; start += chunkSize) {
    const chunk = traceIds.slice(start, start + chunkSize);
    const inList = placeholders(chunk.length);
    await tx.run(`DELETE FROM traces WHERE project_id = ? AND trace_id IN (${inList})`, [projectId, ...chunk]);
    const root = (column: string): string => `MAX(CASE WHEN rn = 1 THEN ${column} END)`;
    await tx.run(
      `INSERT INTO traces (${summaryColumns.join(', ')})
SELECT project_id, trace_id, MIN(start_us), MAX(end_us), COUNT(*),
  SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'ok' THEN 1 ELSE 0 END),
  COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0), COALESCE(SUM(cost), 0),
  ${root('has_parent')}, ${root('start_us')}, ${root('span_id')}, ${root('name')}, MIN(user_id), MIN(session_id)
FROM (
  SELECT project_id, trace_id, span_id, name, start_us, end_us, status, input_tokens, output_tokens, cost, user_id, session_id,
    CASE WHEN parent_span_id IS NULL THEN 0 ELSE 1 END AS has_parent,
    ROW_NUMBER() OVER (PARTITION BY trace_id ORDER BY CASE WHEN parent_span_id IS NULL THEN 0 ELSE 1 END, start_us, span_id) AS rn
  FROM spans WHERE project_id = ? AND trace_id IN (${inList})
) ranked
GROUP BY project_id, trace_id`,
      [projectId, ...chunk],
    );
  }
}
