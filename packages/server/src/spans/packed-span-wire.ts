import type { PackedProjectSpan, ProjectSpan, SpanKind, SpanRecord, SpanStatus } from '@keel/spec';
import { packSpanRaw } from '@keel/store';

/**
 * An OTLP row as the main thread posts it to the span writer thread (ADR 0018): its project, its
 * raw record packed (`packSpanRaw`), then the span's fields in a fixed order. The structured clone
 * of `postMessage` copies an array of values in about half the time of the same values as an
 * object with named properties (ADR 0018, amendment "rows as arrays"), and the event loop, which
 * posts them, is what limits ingest (ADR 0021).
 */
export type PackedSpanWire = unknown[];

/** The number of values in a `PackedSpanWire`. */
export const packedSpanWireLength = 32;

/** `row` as the span writer thread receives it. */
export function toPackedSpanWire({ projectId, span: s }: ProjectSpan): PackedSpanWire {
  return [
    projectId, packSpanRaw(s),
    s.traceId, s.spanId, s.parentSpanId, s.name, s.kind, s.startUs, s.endUs, s.latencyMs, s.status, s.statusMessage,
    s.serviceName, s.provider, s.requestModel, s.responseModel, s.model, s.input, s.output, s.inputTokens, s.outputTokens, s.cachedInputTokens,
    s.cost, s.costSource, s.timeToFirstTokenMs, s.sessionId, s.userId, s.tags, s.promptName, s.promptVersion, s.gatewayKey, s.mapperVersion,
  ];
}

/** The packed row a `PackedSpanWire` holds (the thread checked its length and that its raw text is a string). */
export function fromPackedSpanWire(wire: readonly unknown[]): PackedProjectSpan {
  const span: Omit<SpanRecord, 'raw'> = {
    traceId: wire[2] as string,
    spanId: wire[3] as string,
    parentSpanId: wire[4] as string | null,
    name: wire[5] as string,
    kind: wire[6] as SpanKind,
    startUs: wire[7] as number,
    endUs: wire[8] as number,
    latencyMs: wire[9] as number,
    status: wire[10] as SpanStatus,
    statusMessage: wire[11] as string,
    serviceName: wire[12] as string | null,
    provider: wire[13] as string | null,
    requestModel: wire[14] as string | null,
    responseModel: wire[15] as string | null,
    model: wire[16] as string | null,
    input: wire[17] as string | null,
    output: wire[18] as string | null,
    inputTokens: wire[19] as number | null,
    outputTokens: wire[20] as number | null,
    cachedInputTokens: wire[21] as number | null,
    cost: wire[22] as number | null,
    costSource: wire[23] as SpanRecord['costSource'],
    timeToFirstTokenMs: wire[24] as number | null,
    sessionId: wire[25] as string | null,
    userId: wire[26] as string | null,
    tags: wire[27] as string[],
    promptName: wire[28] as string | null,
    promptVersion: wire[29] as number | null,
    gatewayKey: wire[30] as string | null,
    mapperVersion: wire[31] as number,
  };
  return { projectId: wire[0] as number, span, rawText: wire[1] as string };
}
