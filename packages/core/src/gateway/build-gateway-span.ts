import type { Attributes, OtlpSpan } from '@keel/spec';
import type { AttemptRecord } from './call-with-fallbacks.ts';

/** What one gateway call did, as the trace shows it. */
export interface GatewayCallRecord {
  requestId: string;
  operation: 'chat' | 'embeddings';
  /** W3C trace context from the client's `traceparent`, so the gateway span joins its trace. */
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  startMs: number;
  endMs: number;
  /** The virtual model the client asked for. */
  requestModel: string;
  responseModel: string | null;
  /** Provider type (openai, anthropic, ...) and configured name of the target that answered. */
  providerType: string | null;
  target: string | null;
  keyName: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cachedInputTokens: number | null;
  usageEstimated: boolean;
  costUsd: number | null;
  timeToFirstTokenMs: number | null;
  cache: 'miss' | 'exact' | 'semantic' | 'bypass' | 'off';
  path: AttemptRecord[];
  stream: boolean;
  finishReasons: string[];
  error: string | null;
  /** Present only when the project records bodies. */
  input?: unknown;
  output?: unknown;
  user?: string | undefined;
}

const spanKindClient = 3;
const statusError = 2;
const statusOk = 1;

function nanos(ms: number): string {
  return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
}

/**
 * The gateway call as an OTLP span in the OpenTelemetry GenAI conventions (plus `keel.gateway.*`),
 * so it goes through the same masking, meaning and storage as spans sent by applications.
 */
export function buildGatewaySpan(call: GatewayCallRecord, serviceVersion: string): OtlpSpan {
  const attributes: Attributes = {
    'gen_ai.operation.name': call.operation,
    'gen_ai.request.model': call.requestModel,
    'keel.gateway.request_id': call.requestId,
    'keel.gateway.cache': call.cache,
    'keel.gateway.stream': call.stream,
    'keel.gateway.usage_estimated': call.usageEstimated,
    'keel.gateway.attempts': call.path.length,
  };
  if (call.providerType !== null) attributes['gen_ai.provider.name'] = call.providerType;
  if (call.responseModel !== null) attributes['gen_ai.response.model'] = call.responseModel;
  if (call.target !== null) attributes['keel.gateway.target'] = call.target;
  // The trace mapper stores this in the span's gateway_key column: latency and tokens by key (ADR 0008).
  if (call.keyName !== null) attributes['keel.gateway.key'] = call.keyName;
  if (call.inputTokens !== null) attributes['gen_ai.usage.input_tokens'] = call.inputTokens;
  if (call.outputTokens !== null) attributes['gen_ai.usage.output_tokens'] = call.outputTokens;
  if (call.cachedInputTokens !== null) attributes['gen_ai.usage.cache_read.input_tokens'] = call.cachedInputTokens;
  if (call.costUsd !== null) attributes['gen_ai.usage.cost'] = call.costUsd;
  if (call.timeToFirstTokenMs !== null) attributes['gen_ai.response.time_to_first_chunk'] = call.timeToFirstTokenMs / 1000;
  if (call.finishReasons.length > 0) attributes['gen_ai.response.finish_reasons'] = call.finishReasons;
  if (call.path.length > 1 || call.path.some((step) => step.outcome !== 'ok')) {
    attributes['keel.gateway.fallback_path'] = call.path.map((step) => `${step.provider}/${step.model}:${step.outcome}${step.status === null ? '' : `:${step.status}`}`);
  }
  if (call.user !== undefined) attributes['user.id'] = call.user;
  if (call.input !== undefined) attributes['gen_ai.input.messages'] = JSON.stringify(call.input);
  if (call.output !== undefined) attributes['gen_ai.output.messages'] = JSON.stringify(call.output);
  return {
    traceId: call.traceId,
    spanId: call.spanId,
    parentSpanId: call.parentSpanId,
    name: `${call.operation} ${call.requestModel}`,
    otelKind: spanKindClient,
    startTimeUnixNano: nanos(call.startMs),
    endTimeUnixNano: nanos(Math.max(call.endMs, call.startMs)),
    attributes,
    events: [],
    links: [],
    status: call.error === null ? { code: statusOk, message: '' } : { code: statusError, message: call.error.slice(0, 2000) },
    resource: { 'service.name': 'keel-gateway', 'service.version': serviceVersion },
    scope: { name: 'keel.gateway', version: serviceVersion },
  };
}

/** Trace and parent span ids from a W3C `traceparent` header, or null when absent or malformed. */
export function parseTraceparent(header: string | undefined): { traceId: string; parentSpanId: string } | null {
  if (header === undefined) return null;
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(header.trim());
  if (match === null) return null;
  const [, traceId = '', parentSpanId = ''] = match;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentSpanId)) return null;
  return { traceId, parentSpanId };
}
