import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { genAiTrace, type PlannedSpan } from './gen-ai-trace.ts';
import { seededRandom } from './metric-batches.ts';
import type { SpanIds } from './span-ids.ts';
import { toReadableSpan } from './to-readable-span.ts';

/** One OTLP/HTTP protobuf request body and the spans it carries. */
export interface OtlpBatch {
  body: Buffer;
  spans: { traceId: string; spanId: string }[];
}

export const benchResource = resourceFromAttributes({
  'service.name': 'support-chat',
  'service.version': '2.14.0',
  'deployment.environment.name': 'production',
  'telemetry.sdk.language': 'nodejs',
  'telemetry.sdk.name': 'opentelemetry',
});

/** The spans of whole GenAI traces, cut after `size` spans (the cut trace keeps its root, which comes first). */
export function plannedBatch(random: () => number, ids: SpanIds, size: number, startMs: number): PlannedSpan[] {
  const spans: PlannedSpan[] = [];
  let clock = startMs;
  while (spans.length < size) {
    const trace = genAiTrace(random, ids, clock);
    spans.push(...trace.slice(0, size - spans.length));
    clock += 5 + random() * 50;
  }
  return spans;
}

/** Encodes planned spans with the OpenTelemetry JS protobuf serializer, as the OTLP proto exporter does. */
export function encodeOtlpProtobuf(spans: readonly PlannedSpan[]): Buffer {
  const bytes = ProtobufTraceSerializer.serializeRequest(spans.map((span) => toReadableSpan(span, benchResource)));
  if (bytes === undefined) throw new Error('ProtobufTraceSerializer could not encode the batch');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `count` request bodies of `size` spans each, every span with fresh ids, spread over the last minutes before now. */
export function otlpTraceBatches(count: number, size: number, ids: SpanIds, seed: number): OtlpBatch[] {
  const random = seededRandom(seed);
  const now = Date.now();
  return Array.from({ length: count }, (_unused, index) => {
    const spans = plannedBatch(random, ids, size, now - 600_000 + index * 50);
    return { body: encodeOtlpProtobuf(spans), spans: spans.map((span) => ({ traceId: span.traceId, spanId: span.spanId })) };
  });
}
