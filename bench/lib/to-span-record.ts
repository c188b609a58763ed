import type { SpanRecord } from '@keel/spec';
import { genAiModels } from './gen-ai-models.ts';
import type { PlannedSpan } from './gen-ai-trace.ts';
import { benchScope } from './to-readable-span.ts';

const prices = new Map(genAiModels.map((model) => [model.request, model.price]));
const nanos = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

/**
 * A planned span as the ingest pipeline would store it (normalised fields, cost from list prices,
 * the OTLP attributes kept as raw), for seeding the store directly without going through HTTP.
 */
export function toSpanRecord(span: PlannedSpan): SpanRecord {
  const startUs = Math.round(span.startMs * 1000);
  const endUs = Math.round((span.startMs + span.durationMs) * 1000);
  const model = span.responseModel ?? span.requestModel;
  const price = span.requestModel === null ? null : prices.get(span.requestModel) ?? null;
  const cost = price === null || span.inputTokens === null || span.outputTokens === null ? null : (span.inputTokens * price.input + span.outputTokens * price.output) / 1e6;
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: span.kind,
    startUs,
    endUs,
    latencyMs: (endUs - startUs) / 1000,
    status: span.error ? 'error' : 'unset',
    statusMessage: span.error ? String(span.attributes['error.type'] ?? 'error') : '',
    serviceName: 'support-chat',
    provider: span.provider,
    requestModel: span.requestModel,
    responseModel: span.responseModel,
    model,
    input: span.kind === 'llm' ? span.input : span.input === null ? null : JSON.stringify(span.input),
    output: span.kind === 'llm' ? span.output : span.output === null ? null : JSON.stringify(span.output),
    inputTokens: span.inputTokens,
    outputTokens: span.outputTokens,
    cachedInputTokens: null,
    cost,
    costSource: cost === null ? null : 'computed',
    timeToFirstTokenMs: null,
    sessionId: span.sessionId,
    userId: span.userId,
    tags: [],
    promptName: null,
    promptVersion: null,
    gatewayKey: null,
    mapperVersion: 1,
    raw: {
      otelKind: span.otelKind,
      startTimeUnixNano: nanos(span.startMs),
      endTimeUnixNano: nanos(span.startMs + span.durationMs),
      attributes: span.attributes,
      events: [],
      links: [],
      status: { code: span.error ? 2 : 0, message: span.error ? String(span.attributes['error.type'] ?? '') : '' },
      resource: { 'service.name': 'support-chat' },
      scope: benchScope,
    },
  };
}
