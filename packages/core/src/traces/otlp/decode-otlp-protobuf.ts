import { type Attributes, KeelError, type OtlpDecodeResult, type OtlpSpan } from '@keel/spec';
import type { OtlpDecodeOptions } from './otlp-decode-options.ts';
import { OtlpFormatError } from './otlp-format-error.ts';
import { type GroupHeader, readGroupHeader } from './read-group-header.ts';
import { readProtobufAttribute } from './read-protobuf-key-value.ts';
import { peekProtobufSpanId, readProtobufSpan } from './read-protobuf-span.ts';
import { SpanCollector } from './span-collector.ts';
import { WireReader, wireType } from './wire-reader.ts';

type Scope = OtlpSpan['scope'];

/** Where a singular sub-message field was found; as in protobuf, the last occurrence wins. */
interface Frame {
  start: number;
  end: number;
}

/** Finds the last occurrence of the length-delimited `field` among the fields of [start, end). */
function findLast(reader: WireReader, start: number, end: number, field: number, what: string): Frame | null {
  reader.pos = start;
  let frame: Frame | null = null;
  while (reader.pos < end) {
    const tag = reader.tag(end);
    if (tag >>> 3 === field) {
      reader.expect(tag, wireType.delimited, what);
      const fieldEnd = reader.delimitedEnd(end);
      frame = { start: reader.pos, end: fieldEnd };
      reader.pos = fieldEnd;
    } else {
      reader.skip(tag, end);
    }
  }
  return frame;
}

function readResource(reader: WireReader, frame: Frame | null): Attributes {
  const resource: Attributes = {};
  if (frame === null) return resource;
  reader.pos = frame.start;
  while (reader.pos < frame.end) {
    const tag = reader.tag(frame.end);
    if (tag >>> 3 === 1) readProtobufAttribute(reader, tag, frame.end, resource, 'Resource.attributes');
    else reader.skip(tag, frame.end);
  }
  return resource;
}

function readScope(reader: WireReader, frame: Frame | null): Scope {
  const scope: Scope = { name: '', version: '' };
  if (frame === null) return scope;
  reader.pos = frame.start;
  while (reader.pos < frame.end) {
    const tag = reader.tag(frame.end);
    const field = tag >>> 3;
    if (field === 1) {
      reader.expect(tag, wireType.delimited, 'InstrumentationScope.name');
      scope.name = reader.string(frame.end);
    } else if (field === 2) {
      reader.expect(tag, wireType.delimited, 'InstrumentationScope.version');
      scope.version = reader.string(frame.end);
    } else {
      reader.skip(tag, frame.end);
    }
  }
  return scope;
}

interface Group {
  resource: Attributes;
  scope: Scope;
  problem: string | null;
}

function readSpan(reader: WireReader, start: number, end: number, group: Group, collector: SpanCollector): void {
  const index = collector.nextIndex();
  if (group.problem !== null) {
    collector.reject(index, peekProtobufSpanId(reader, start, end), group.problem);
    return;
  }
  reader.pos = start;
  try {
    collector.add(index, readProtobufSpan(reader, end, group.resource, group.scope));
  } catch (error) {
    if (!(error instanceof OtlpFormatError)) throw error;
    collector.reject(index, peekProtobufSpanId(reader, start, end), `span does not decode: ${error.message}`);
  }
}

/** Calls `read` with the end of each field-2 sub-message in [start, end) (the repeated child of a span group), skipping other fields. */
function forEachRepeated(reader: WireReader, start: number, end: number, field: string, read: (childEnd: number) => void): void {
  reader.pos = start;
  while (reader.pos < end) {
    const tag = reader.tag(end);
    if (tag >>> 3 !== 2) {
      reader.skip(tag, end);
      continue;
    }
    reader.expect(tag, wireType.delimited, field);
    const childEnd = reader.delimitedEnd(end);
    read(childEnd);
    reader.pos = childEnd;
  }
}

function readScopeSpans(reader: WireReader, start: number, end: number, resource: GroupHeader<Attributes>, collector: SpanCollector): void {
  const scopeFrame = findLast(reader, start, end, 1, 'ScopeSpans.scope');
  const scope = readGroupHeader(() => readScope(reader, scopeFrame), { name: '', version: '' }, 'scope');
  const group: Group = { resource: resource.value, scope: scope.value, problem: resource.problem ?? scope.problem };
  forEachRepeated(reader, start, end, 'ScopeSpans.spans', (spanEnd) => readSpan(reader, reader.pos, spanEnd, group, collector));
}

function readResourceSpans(reader: WireReader, start: number, end: number, collector: SpanCollector): void {
  const resourceFrame = findLast(reader, start, end, 1, 'ResourceSpans.resource');
  const resource = readGroupHeader(() => readResource(reader, resourceFrame), {}, 'resource');
  forEachRepeated(reader, start, end, 'ResourceSpans.scope_spans', (scopeEnd) => readScopeSpans(reader, reader.pos, scopeEnd, resource, collector));
}

/**
 * Decodes an OTLP/HTTP protobuf body (`ExportTraceServiceRequest`). Spans that do not decode or
 * do not validate are returned in `rejected`; the rest are kept. Throws KeelError BAD_REQUEST
 * when the body's framing is broken above the spans, PAYLOAD_TOO_LARGE above `maxSpans`.
 */
export function decodeOtlpProtobuf(bytes: Uint8Array, options: OtlpDecodeOptions): OtlpDecodeResult {
  const reader = new WireReader(bytes);
  const collector = new SpanCollector(options);
  const end = bytes.length;
  try {
    while (reader.pos < end) {
      const tag = reader.tag(end);
      if (tag >>> 3 !== 1) {
        reader.skip(tag, end);
        continue;
      }
      reader.expect(tag, wireType.delimited, 'ExportTraceServiceRequest.resource_spans');
      const resourceEnd = reader.delimitedEnd(end);
      readResourceSpans(reader, reader.pos, resourceEnd, collector);
      reader.pos = resourceEnd;
    }
  } catch (error) {
    if (!(error instanceof OtlpFormatError)) throw error;
    throw new KeelError('BAD_REQUEST', `The body is not a valid OTLP protobuf ExportTraceServiceRequest: ${error.message}`, { cause: error });
  }
  return collector.done();
}
