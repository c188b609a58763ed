import type { Attributes, OtlpSpan } from '@keel/spec';
import { readProtobufAttribute } from './read-protobuf-key-value.ts';
import { uint64ToDecimal } from './uint64-to-decimal.ts';
import { type WireReader, wireType } from './wire-reader.ts';

type SpanEvent = OtlpSpan['events'][number];
type SpanLink = OtlpSpan['links'][number];

/** An id field as hex; ids of the wrong length come out with the wrong length and fail validation. */
function readId(reader: WireReader, tag: number, end: number, what: string): string {
  reader.expect(tag, wireType.delimited, what);
  return reader.hex(end);
}

function readTime(reader: WireReader, tag: number, end: number, what: string): string {
  reader.expect(tag, wireType.fixed64, what);
  reader.fixed64(end);
  return uint64ToDecimal(reader.low, reader.high);
}

function readEvent(reader: WireReader, end: number): SpanEvent {
  const event: SpanEvent = { name: '', timeUnixNano: '0', attributes: {} };
  while (reader.pos < end) {
    const tag = reader.tag(end);
    switch (tag >>> 3) {
      case 1:
        event.timeUnixNano = readTime(reader, tag, end, 'Event.time_unix_nano');
        break;
      case 2:
        reader.expect(tag, wireType.delimited, 'Event.name');
        event.name = reader.string(end);
        break;
      case 3:
        readProtobufAttribute(reader, tag, end, event.attributes, 'Event.attributes');
        break;
      default:
        reader.skip(tag, end);
    }
  }
  return event;
}

function readLink(reader: WireReader, end: number): SpanLink {
  const link: SpanLink = { traceId: '', spanId: '', attributes: {} };
  while (reader.pos < end) {
    const tag = reader.tag(end);
    switch (tag >>> 3) {
      case 1:
        link.traceId = readId(reader, tag, end, 'Link.trace_id');
        break;
      case 2:
        link.spanId = readId(reader, tag, end, 'Link.span_id');
        break;
      case 4:
        readProtobufAttribute(reader, tag, end, link.attributes, 'Link.attributes');
        break;
      default:
        reader.skip(tag, end);
    }
  }
  return link;
}

function readStatus(reader: WireReader, end: number, status: OtlpSpan['status']): void {
  while (reader.pos < end) {
    const tag = reader.tag(end);
    switch (tag >>> 3) {
      case 2:
        reader.expect(tag, wireType.delimited, 'Status.message');
        status.message = reader.string(end);
        break;
      case 3:
        reader.expect(tag, wireType.varint, 'Status.code');
        status.code = reader.uint32(end) | 0;
        break;
      default:
        reader.skip(tag, end);
    }
  }
}

/**
 * Decodes one Span message (the reader stands at its first field, `end` is its end). Throws
 * OtlpFormatError when the span's bytes do not decode; the caller rejects just that span.
 */
export function readProtobufSpan(reader: WireReader, end: number, resource: Attributes, scope: OtlpSpan['scope']): OtlpSpan {
  const span: OtlpSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: null,
    name: '',
    otelKind: 0,
    startTimeUnixNano: '0',
    endTimeUnixNano: '0',
    attributes: {},
    events: [],
    links: [],
    status: { code: 0, message: '' },
    resource,
    scope,
  };
  while (reader.pos < end) {
    const tag = reader.tag(end);
    switch (tag >>> 3) {
      case 1:
        span.traceId = readId(reader, tag, end, 'Span.trace_id');
        break;
      case 2:
        span.spanId = readId(reader, tag, end, 'Span.span_id');
        break;
      case 4: {
        const parent = readId(reader, tag, end, 'Span.parent_span_id');
        span.parentSpanId = parent === '' || parent === '0000000000000000' ? null : parent;
        break;
      }
      case 5:
        reader.expect(tag, wireType.delimited, 'Span.name');
        span.name = reader.string(end);
        break;
      case 6:
        reader.expect(tag, wireType.varint, 'Span.kind');
        span.otelKind = reader.uint32(end) | 0;
        break;
      case 7:
        span.startTimeUnixNano = readTime(reader, tag, end, 'Span.start_time_unix_nano');
        break;
      case 8:
        span.endTimeUnixNano = readTime(reader, tag, end, 'Span.end_time_unix_nano');
        break;
      case 9:
        readProtobufAttribute(reader, tag, end, span.attributes, 'Span.attributes');
        break;
      case 11: {
        reader.expect(tag, wireType.delimited, 'Span.events');
        const eventEnd = reader.delimitedEnd(end);
        span.events.push(readEvent(reader, eventEnd));
        reader.pos = eventEnd;
        break;
      }
      case 13: {
        reader.expect(tag, wireType.delimited, 'Span.links');
        const linkEnd = reader.delimitedEnd(end);
        span.links.push(readLink(reader, linkEnd));
        reader.pos = linkEnd;
        break;
      }
      case 15: {
        reader.expect(tag, wireType.delimited, 'Span.status');
        const statusEnd = reader.delimitedEnd(end);
        readStatus(reader, statusEnd, span.status);
        reader.pos = statusEnd;
        break;
      }
      default:
        reader.skip(tag, end);
    }
  }
  return span;
}

/** The span id of a span whose bytes did not all decode, when its top-level fields frame well enough to find it. */
export function peekProtobufSpanId(reader: WireReader, start: number, end: number): string | null {
  reader.pos = start;
  let spanId: string | null = null;
  try {
    while (reader.pos < end) {
      const tag = reader.tag(end);
      if (tag === ((2 << 3) | wireType.delimited)) spanId = reader.hex(end);
      else reader.skip(tag, end);
    }
  } catch {
    // The id read before the bad field, if any, is still the span's.
  }
  return spanId;
}
