import type { ChatMessage, OtlpSpan, SpanMeaning, SpanRecord, SpanStatus } from '@keel/spec';
import type { CostCalculator } from './cost/index.ts';

/** Text longer than this (input, output) is cut when stored in the queryable columns; `raw` keeps it whole. */
export const maxStoredTextChars = 32_768;

const statusByCode: Record<number, SpanStatus> = { 0: 'unset', 1: 'ok', 2: 'error' };

/** Nanoseconds (decimal string) to microseconds, without going through a double for the whole value. */
export function nanosToMicros(nanos: string): number {
  return nanos.length <= 3 ? 0 : Number(nanos.slice(0, -3));
}

/** One stored span from a decoded OTLP span, its meaning and the project's cost calculator. */
export function buildSpanRecord(span: OtlpSpan, meaning: SpanMeaning, cost: CostCalculator, mapperVersion: number): SpanRecord {
  const startUs = nanosToMicros(span.startTimeUnixNano);
  const endUs = nanosToMicros(span.endTimeUnixNano);
  const model = meaning.responseModel ?? meaning.requestModel;
  const status = meaning.error !== null && span.status.code !== 1 ? 'error' : (statusByCode[span.status.code] ?? 'unset');
  let spanCost = meaning.providedCost;
  let costSource: SpanRecord['costSource'] = spanCost === null ? null : 'provided';
  if (spanCost === null && model !== null) {
    spanCost = cost(model, { inputTokens: meaning.inputTokens, outputTokens: meaning.outputTokens, cachedInputTokens: meaning.cachedInputTokens });
    if (spanCost !== null) costSource = 'computed';
  }
  const serviceName = span.resource['service.name'];
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: meaning.kind,
    startUs,
    endUs,
    latencyMs: Math.max(0, endUs - startUs) / 1000,
    status,
    statusMessage: span.status.message || (status === 'error' ? (meaning.error ?? '') : ''),
    serviceName: typeof serviceName === 'string' ? serviceName : null,
    provider: meaning.provider,
    requestModel: meaning.requestModel,
    responseModel: meaning.responseModel,
    model,
    input: toStoredText(meaning.input),
    output: toStoredText(meaning.output),
    inputTokens: meaning.inputTokens,
    outputTokens: meaning.outputTokens,
    cachedInputTokens: meaning.cachedInputTokens,
    cost: spanCost,
    costSource,
    timeToFirstTokenMs: meaning.timeToFirstTokenMs,
    sessionId: meaning.sessionId,
    userId: meaning.userId,
    tags: meaning.tags,
    promptName: meaning.promptName,
    promptVersion: meaning.promptVersion,
    gatewayKey: meaning.gatewayKey,
    mapperVersion,
    raw: {
      otelKind: span.otelKind,
      startTimeUnixNano: span.startTimeUnixNano,
      endTimeUnixNano: span.endTimeUnixNano,
      attributes: span.attributes,
      events: span.events,
      links: span.links,
      status: span.status,
      resource: span.resource,
      scope: span.scope,
    },
  };
}

function toStoredText(value: ChatMessage[] | string | null): string | null {
  if (value === null) return null;
  const text = JSON.stringify(value);
  // Cut text is stored as a JSON string so that the column always holds valid JSON.
  return text.length > maxStoredTextChars ? JSON.stringify(`${text.slice(0, maxStoredTextChars)}…[truncated]`) : text;
}
