import type { RejectedSpan } from '@keel/spec';

/** The partial-success message of an OTLP ExportTraceServiceResponse; absent when every span was kept. */
export function partialSuccessMessage(rejected: readonly RejectedSpan[]): string {
  const shown = rejected.slice(0, 10).map((span) => `span ${span.index}${span.spanId === null ? '' : ` (${span.spanId})`}: ${span.reason}`);
  const more = rejected.length > shown.length ? `; and ${rejected.length - shown.length} more` : '';
  return `${rejected.length} span(s) rejected: ${shown.join('; ')}${more}`;
}

/** OTLP/JSON response body (`rejectedSpans` is an int64, which OTLP/JSON writes as a string). */
export function otlpJsonResponse(rejected: readonly RejectedSpan[]): Record<string, unknown> {
  if (rejected.length === 0) return {};
  return { partialSuccess: { rejectedSpans: String(rejected.length), errorMessage: partialSuccessMessage(rejected) } };
}

/** OTLP/protobuf ExportTraceServiceResponse: field 1 partial_success { 1: rejected_spans int64, 2: error_message string }. */
export function otlpProtobufResponse(rejected: readonly RejectedSpan[]): Buffer {
  if (rejected.length === 0) return Buffer.alloc(0);
  const message = Buffer.from(partialSuccessMessage(rejected), 'utf8');
  const inner = Buffer.concat([Buffer.from([0x08]), varint(rejected.length), Buffer.from([0x12]), varint(message.length), message]);
  return Buffer.concat([Buffer.from([0x0a]), varint(inner.length), inner]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
