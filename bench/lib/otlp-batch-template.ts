import { randomBytes } from 'node:crypto';
import type { PlannedSpan } from './gen-ai-trace.ts';
import { encodeOtlpProtobuf } from './otlp-trace-batches.ts';

/**
 * An encoded OTLP request whose ids can be replaced in place. Encoding 100 GenAI spans costs the
 * client milliseconds; an open-loop run at twice Keel's capacity needs hundreds of fresh requests a
 * second on the same two cores, so a few bodies are encoded once by the real serializer and each
 * request is a copy with new trace and span ids written over the old ones (ids are fixed-length
 * bytes fields, so nothing else in the message moves).
 */
export interface OtlpBatchTemplate {
  body: Buffer;
  /** Byte offsets of each distinct trace id (16 bytes), and of each span id (8 bytes, as span id and as parent id). */
  traceOffsets: number[][];
  spanOffsets: number[][];
  /** For each span of the request, the index of its trace and of its span id. */
  spans: { trace: number; span: number }[];
}

function offsetsOf(body: Buffer, id: Buffer): number[] {
  const found: number[] = [];
  for (let at = body.indexOf(id); at !== -1; at = body.indexOf(id, at + 1)) found.push(at);
  return found;
}

export function otlpBatchTemplate(planned: readonly PlannedSpan[]): OtlpBatchTemplate {
  const body = encodeOtlpProtobuf(planned);
  const traceIds = [...new Set(planned.map((span) => span.traceId))];
  const spanIds = planned.map((span) => span.spanId);
  const traceOffsets = traceIds.map((id) => offsetsOf(body, Buffer.from(id, 'hex')));
  const spanOffsets = spanIds.map((id) => offsetsOf(body, Buffer.from(id, 'hex')));
  // Each id must appear exactly where the message carries it, or a patched copy would be corrupt.
  traceIds.forEach((id, index) => {
    const expected = planned.filter((span) => span.traceId === id).length;
    if (traceOffsets[index]?.length !== expected) throw new Error(`trace id ${id} appears ${traceOffsets[index]?.length} times in the body, expected ${expected}`);
  });
  spanIds.forEach((id, index) => {
    const expected = 1 + planned.filter((span) => span.parentSpanId === id).length;
    if (spanOffsets[index]?.length !== expected) throw new Error(`span id ${id} appears ${spanOffsets[index]?.length} times in the body, expected ${expected}`);
  });
  return { body, traceOffsets, spanOffsets, spans: planned.map((span, index) => ({ trace: traceIds.indexOf(span.traceId), span: index })) };
}

/** Stamps templates with ids from two counters; a stamp is enough to tell later which ids a request carried. */
export interface OtlpStamper {
  stamp(template: OtlpBatchTemplate): { body: Buffer; traceBase: number; spanBase: number };
  /** The ids a stamped request carried. */
  spansOf(template: OtlpBatchTemplate, traceBase: number, spanBase: number): { traceId: string; spanId: string }[];
}

const hex16 = (value: number): string => value.toString(16).padStart(16, '0');

export function createOtlpStamper(): OtlpStamper {
  const prefix = randomBytes(8);
  const prefixHex = prefix.toString('hex');
  let traceCounter = 0;
  let spanCounter = 0;
  return {
    stamp(template) {
      const body = Buffer.from(template.body);
      const traceBase = traceCounter;
      const spanBase = spanCounter;
      template.traceOffsets.forEach((offsets, index) => {
        for (const at of offsets) {
          prefix.copy(body, at);
          body.writeBigUInt64BE(BigInt(traceBase + index + 1), at + 8);
        }
      });
      template.spanOffsets.forEach((offsets, index) => {
        for (const at of offsets) body.writeBigUInt64BE(BigInt(spanBase + index + 1), at);
      });
      traceCounter += template.traceOffsets.length;
      spanCounter += template.spanOffsets.length;
      return { body, traceBase, spanBase };
    },
    spansOf: (template, traceBase, spanBase) =>
      template.spans.map((span) => ({ traceId: `${prefixHex}${hex16(traceBase + span.trace + 1)}`, spanId: hex16(spanBase + span.span + 1) })),
  };
}
