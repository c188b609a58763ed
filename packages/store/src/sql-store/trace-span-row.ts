import type { PackedProjectSpan, ProjectSpan, SpanKind, SpanRecord, SpanStatus } from '@keel/spec';
import type { SqlRow, SqlValue } from '../drivers/sql-driver.ts';
import { packRawText, unpackRawText } from './trace-raw-text.ts';

/**
 * Columns of `spans` in insert order; project_id first. `gateway_key` (migration 6) and `gen_seq`
 * (migration 14) came later, so they sit after the heavy columns in the table.
 */
export const spanColumns = [
  'project_id', 'trace_id', 'span_id', 'parent_span_id', 'name', 'kind', 'start_us', 'end_us', 'latency_ms', 'status', 'status_message',
  'service_name', 'provider', 'request_model', 'response_model', 'model', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'cost',
  'cost_source', 'ttft_ms', 'session_id', 'user_id', 'prompt_name', 'prompt_version', 'gateway_key', 'mapper_version', 'tags', 'input', 'output', 'raw', 'gen_seq',
] as const;

/**
 * The text `spans.raw` keeps for `span`: its raw record with the message text that the `input` and
 * `output` columns already hold replaced by references (ADR 0010). The span writer's main thread
 * sends this in place of the record (ADR 0018).
 */
export function packSpanRaw(span: SpanRecord): string {
  return packRawText(span.raw, span.input, span.output);
}

/** `row` with its raw record packed by `packSpanRaw` and left out, as `insertSpans` also takes it (ADR 0018; the span writer thread receives it as an array, `packed-span-wire.ts` in the server). */
export function packProjectSpan({ projectId, span }: ProjectSpan): PackedProjectSpan {
  const { raw: _unsent, ...rest } = span;
  return { projectId, span: rest, rawText: packSpanRaw(span) };
}

/**
 * Appends one span's values to `params`, in `spanColumns` order; `rawText` is `packSpanRaw` of the
 * whole span, `genSeq` its number in the generations index (null when it names no model).
 */
export function pushSpanParams(params: SqlValue[], projectId: number, span: Omit<SpanRecord, 'raw'>, rawText: string, genSeq: number | null): void {
  params.push(
    projectId, span.traceId, span.spanId, span.parentSpanId, span.name, span.kind, span.startUs, span.endUs, span.latencyMs, span.status, span.statusMessage,
    span.serviceName, span.provider, span.requestModel, span.responseModel, span.model, span.inputTokens, span.outputTokens, span.cachedInputTokens, span.cost,
    span.costSource, span.timeToFirstTokenMs, span.sessionId, span.userId, span.promptName, span.promptVersion, span.gatewayKey, span.mapperVersion,
    JSON.stringify(span.tags), span.input, span.output, rawText, genSeq,
  );
}

export const nullableString = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
/** PostgreSQL returns SUM(bigint) as a numeric string; both dialects read back as numbers here. */
export const nullableNumber = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export function spanFromRow(row: SqlRow): SpanRecord {
  const input = nullableString(row.input);
  const output = nullableString(row.output);
  return {
    traceId: String(row.trace_id),
    spanId: String(row.span_id),
    parentSpanId: nullableString(row.parent_span_id),
    name: String(row.name),
    kind: String(row.kind) as SpanKind,
    startUs: Number(row.start_us),
    endUs: Number(row.end_us),
    latencyMs: Number(row.latency_ms),
    status: String(row.status) as SpanStatus,
    statusMessage: String(row.status_message),
    serviceName: nullableString(row.service_name),
    provider: nullableString(row.provider),
    requestModel: nullableString(row.request_model),
    responseModel: nullableString(row.response_model),
    model: nullableString(row.model),
    input,
    output,
    inputTokens: nullableNumber(row.input_tokens),
    outputTokens: nullableNumber(row.output_tokens),
    cachedInputTokens: nullableNumber(row.cached_input_tokens),
    cost: nullableNumber(row.cost),
    costSource: nullableString(row.cost_source) as SpanRecord['costSource'],
    timeToFirstTokenMs: nullableNumber(row.ttft_ms),
    sessionId: nullableString(row.session_id),
    userId: nullableString(row.user_id),
    tags: JSON.parse(String(row.tags)) as string[],
    promptName: nullableString(row.prompt_name),
    promptVersion: nullableNumber(row.prompt_version),
    gatewayKey: nullableString(row.gateway_key),
    mapperVersion: Number(row.mapper_version),
    raw: unpackRawText(String(row.raw), input, output),
  };
}
