import type { SpanRecord, SpanStatus, TraceSummary } from '@keel/spec';

/** A trace's summary from all its spans (the store computes the same in SQL for listings). */
export function summarizeTrace(spans: readonly SpanRecord[]): TraceSummary | undefined {
  const first = spans[0];
  if (first === undefined) return undefined;
  const ids = new Set(spans.map((span) => span.spanId));
  let root = first;
  let startUs = Number.POSITIVE_INFINITY;
  let endUs = Number.NEGATIVE_INFINITY;
  let status: SpanStatus = 'unset';
  const tags = new Set<string>();
  const models = new Set<string>();
  let inputTokens = 0;
  let outputTokens = 0;
  let cost = 0;
  let userId: string | null = null;
  let sessionId: string | null = null;
  for (const span of spans) {
    startUs = Math.min(startUs, span.startUs);
    endUs = Math.max(endUs, span.endUs);
    const isRoot = span.parentSpanId === null || !ids.has(span.parentSpanId);
    const rootIsRoot = root.parentSpanId === null || !ids.has(root.parentSpanId);
    if ((isRoot && !rootIsRoot) || (isRoot === rootIsRoot && span.startUs < root.startUs)) root = span;
    if (span.status === 'error') status = 'error';
    else if (span.status === 'ok' && status === 'unset') status = 'ok';
    for (const tag of span.tags) tags.add(tag);
    if (span.model !== null) models.add(span.model);
    inputTokens += span.inputTokens ?? 0;
    outputTokens += span.outputTokens ?? 0;
    cost += span.cost ?? 0;
    userId ??= span.userId;
    sessionId ??= span.sessionId;
  }
  return {
    traceId: first.traceId,
    name: root.name,
    startUs,
    endUs,
    latencyMs: (endUs - startUs) / 1000,
    status,
    userId,
    sessionId,
    tags: [...tags].sort(),
    models: [...models].sort(),
    inputTokens,
    outputTokens,
    cost,
    spanCount: spans.length,
    input: root.input,
    output: root.output,
  };
}
