import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { hasErrorCode } from '@keel/spec';
import { describe, expect, it } from 'vitest';
import { decodeOtlpProtobuf } from './decode-otlp-protobuf.ts';
import {
  delimited,
  doubleField,
  fixed64Field,
  keyValue,
  message,
  nanosPerMs,
  request,
  spanBody,
  type SpanFields,
  tag,
  text,
  varint,
  varintField,
} from './test-protobuf-writer.ts';
import { makeTestSpans, testNowMs } from './test-spans.ts';

const options = { nowMs: testNowMs };
const start = BigInt(testNowMs - 60_000) * nanosPerMs;
const good: SpanFields = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', name: 'ok', start, end: start + 5_000_000n };

function goodSpan(spanId: string, extra: Partial<SpanFields> = {}): Uint8Array {
  return spanBody({ ...good, spanId, ...extra });
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function encoded(): Uint8Array {
  const bytes = ProtobufTraceSerializer.serializeRequest(makeTestSpans());
  if (bytes === undefined) throw new Error('no bytes');
  return bytes;
}

describe('decodeOtlpProtobuf on bodies that are not a request', () => {
  it('accepts an empty body as an empty request', () => {
    expect(decodeOtlpProtobuf(new Uint8Array(0), options)).toEqual({ spans: [], rejected: [] });
  });

  it('throws BAD_REQUEST for a truncated body', () => {
    const bytes = encoded();
    for (const cut of [1, 7, bytes.length >> 1, bytes.length - 1]) {
      const error = thrown(() => decodeOtlpProtobuf(bytes.subarray(0, cut), options));
      expect(hasErrorCode(error, 'BAD_REQUEST'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(/^The body is not a valid OTLP protobuf ExportTraceServiceRequest: .*(truncated|overruns)/);
    }
  });

  it('throws BAD_REQUEST for JSON sent as protobuf and for garbage', () => {
    for (const body of [new TextEncoder().encode('{"resourceSpans":[]}'), Uint8Array.from([0xff, 0xff, 0xff]), Uint8Array.from([0x0f])]) {
      expect(hasErrorCode(thrown(() => decodeOtlpProtobuf(body, options)), 'BAD_REQUEST')).toBe(true);
    }
  });

  it('throws BAD_REQUEST naming the field for a wrong wire type at the top level', () => {
    const error = thrown(() => decodeOtlpProtobuf(message(varintField(1, 5)), options));
    expect(hasErrorCode(error, 'BAD_REQUEST')).toBe(true);
    expect((error as Error).message).toContain('ExportTraceServiceRequest.resource_spans has wire type varint, expected length-delimited');
  });

  it('throws PAYLOAD_TOO_LARGE above maxSpans, naming the limit', () => {
    const body = request([{ spans: [goodSpan('0000000000000001'), goodSpan('0000000000000002'), goodSpan('0000000000000003')] }]);
    const error = thrown(() => decodeOtlpProtobuf(body, { ...options, maxSpans: 2 }));
    expect(hasErrorCode(error, 'PAYLOAD_TOO_LARGE')).toBe(true);
    expect((error as Error).message).toContain('more than 2 spans');
    expect(decodeOtlpProtobuf(body, { ...options, maxSpans: 3 }).spans).toHaveLength(3);
  });
});

describe('decodeOtlpProtobuf rejects bad spans and keeps the good ones', () => {
  it('reports each bad span with its index across groups, its span id and a reason', () => {
    const attribute = (...anyValue: Uint8Array[]): Uint8Array => keyValue(9, 'k', ...anyValue);
    const body = request([
      {
        spans: [
          goodSpan('0000000000000001'),
          spanBody({ ...good, traceId: undefined, spanId: undefined }),
          goodSpan('0000000000000003', { traceId: '00000000000000000000000000000000' }),
          goodSpan('0000000000000004', { traceId: 'abcd' }),
          goodSpan('0000000000000005', { parentSpanId: '0102' }),
        ],
      },
      {
        spans: [
          goodSpan('0000000000000006', { start: undefined }),
          goodSpan('0000000000000007', { end: start - 1n }),
          goodSpan('0000000000000008', { start: 631152000000n * nanosPerMs }),
          goodSpan('0000000000000009', { end: BigInt(testNowMs + 2 * 86_400_000) * nanosPerMs }),
          goodSpan('000000000000000a', { extra: [attribute()] }),
          goodSpan('000000000000000b', { extra: [attribute(varintField(1, 3))] }),
          goodSpan('000000000000000c', { extra: [delimited(9, text(1, 'k'), tag(2, 2), varint(50), text(1, 'x'))] }),
          goodSpan('000000000000000d', { extra: [varintField(5, 1)] }),
          goodSpan('000000000000000e', { extra: [varintField(6, 9)] }),
          goodSpan('000000000000000f', { extra: [delimited(13, text(1, 'not-an-id'))] }),
          goodSpan('0000000000000010', { parentSpanId: '0000000000000000' }),
        ],
      },
    ]);
    const result = decodeOtlpProtobuf(body, options);
    expect(result.spans.map((span) => span.spanId)).toEqual(['0000000000000001', '0000000000000010']);
    expect(result.spans[1]?.parentSpanId).toBeNull();
    expect(result.rejected).toEqual([
      { index: 1, spanId: null, reason: 'traceId is missing' },
      { index: 2, spanId: '0000000000000003', reason: 'traceId must be 32 hex characters (16 bytes), not all zeros' },
      { index: 3, spanId: '0000000000000004', reason: 'traceId must be 32 hex characters (16 bytes), not all zeros' },
      { index: 4, spanId: '0000000000000005', reason: 'parentSpanId must be 16 hex characters (8 bytes), not all zeros' },
      { index: 5, spanId: '0000000000000006', reason: 'startTimeUnixNano is missing or zero' },
      { index: 6, spanId: '0000000000000007', reason: `endTimeUnixNano ${start - 1n} is before startTimeUnixNano ${start}` },
      { index: 7, spanId: '0000000000000008', reason: 'startTimeUnixNano 631152000000000000 is before the year 2000' },
      { index: 8, spanId: '0000000000000009', reason: `endTimeUnixNano ${BigInt(testNowMs + 2 * 86_400_000) * nanosPerMs} is more than a day in the future` },
      { index: 9, spanId: '000000000000000a', reason: "span does not decode: attribute 'k' has no value (an AnyValue with none of its fields set)" },
      { index: 10, spanId: '000000000000000b', reason: 'span does not decode: AnyValue.string_value has wire type varint, expected length-delimited' },
      { index: 11, spanId: '000000000000000c', reason: expect.stringMatching(/^span does not decode: length-delimited field of 50 bytes at byte \d+ overruns its message$/) },
      { index: 12, spanId: '000000000000000d', reason: 'span does not decode: Span.name has wire type varint, expected length-delimited' },
      { index: 13, spanId: '000000000000000e', reason: 'kind 9 is not a SpanKind (0 to 5)' },
      { index: 14, spanId: '000000000000000f', reason: 'link 0 traceId must be 32 hex characters (16 bytes), not all zeros' },
    ]);
  });

  it('rejects every span of a group whose resource does not decode, and keeps the other groups', () => {
    const body = request([
      { resource: [keyValue(1, 'service.name')], spans: [goodSpan('0000000000000001'), goodSpan('0000000000000002')] },
      { resource: [keyValue(1, 'service.name', text(1, 'fine'))], spans: [goodSpan('0000000000000003')] },
    ]);
    const result = decodeOtlpProtobuf(body, options);
    const reason = "resource does not decode: attribute 'service.name' has no value (an AnyValue with none of its fields set)";
    expect(result.rejected).toEqual([
      { index: 0, spanId: '0000000000000001', reason },
      { index: 1, spanId: '0000000000000002', reason },
    ]);
    expect(result.spans.map((span) => [span.spanId, span.resource])).toEqual([['0000000000000003', { 'service.name': 'fine' }]]);
  });

  it('rejects attribute values nested deeper than the limit without overflowing the stack', () => {
    let nested: Uint8Array = text(1, 'leaf');
    for (let depth = 0; depth < 200; depth++) nested = delimited(5, delimited(1, nested));
    const result = decodeOtlpProtobuf(request([{ spans: [goodSpan('0000000000000001', { extra: [keyValue(9, 'deep', nested)] })] }]), options);
    expect(result.rejected).toEqual([{ index: 0, spanId: '0000000000000001', reason: 'span does not decode: attribute values nest deeper than 32 levels' }]);
  });
});

describe('decodeOtlpProtobuf on valid but unusual encodings', () => {
  it('skips unknown fields of every wire type, groups included, at every level', () => {
    const unknown = message(varintField(99, 1), fixed64Field(98, 7n), delimited(97, [1, 2, 3]), tag(96, 3), varintField(1, 1), tag(1, 3), tag(1, 4), tag(96, 4), tag(95, 5), [1, 2, 3, 4]);
    const body = message(
      unknown,
      delimited(1, unknown, delimited(1, unknown, keyValue(1, 'service.name', unknown, text(1, 'svc'))), delimited(2, unknown, delimited(2, goodSpan('0000000000000001', { extra: [unknown, keyValue(9, 'k', unknown, doubleField(4, 1.5))] })))),
    );
    const result = decodeOtlpProtobuf(body, options);
    expect(result.rejected).toEqual([]);
    expect(result.spans[0]?.resource).toEqual({ 'service.name': 'svc' });
    expect(result.spans[0]?.attributes).toEqual({ k: 1.5 });
  });

  it('reads a body that is a view into a larger buffer, as a pooled Node Buffer is', () => {
    const bytes = encoded();
    const pool = new Uint8Array(bytes.length + 11).fill(0xff);
    pool.set(bytes, 7);
    expect(decodeOtlpProtobuf(pool.subarray(7, 7 + bytes.length), options)).toEqual(decodeOtlpProtobuf(bytes, options));
    expect(decodeOtlpProtobuf(Buffer.from(pool.buffer, 7, bytes.length), options).spans).toHaveLength(4);
  });

  it('decodes int64 edge values, non-finite doubles and a __proto__ key safely', () => {
    const attributes = [
      keyValue(9, 'max', varintField(3, 2n ** 63n - 1n)),
      keyValue(9, 'min', varintField(3, -(2n ** 63n))),
      keyValue(9, 'safe', varintField(3, 2 ** 53 - 1)),
      keyValue(9, 'unsafe', varintField(3, 2n ** 53n + 1n)),
      keyValue(9, 'minus-one', varintField(3, -1)),
      keyValue(9, 'nan', doubleField(4, Number.NaN)),
      keyValue(9, 'inf', doubleField(4, Number.NEGATIVE_INFINITY)),
      keyValue(9, '__proto__', text(1, 'polluted')),
    ];
    const span = decodeOtlpProtobuf(request([{ spans: [goodSpan('0000000000000001', { extra: attributes })] }]), options).spans[0];
    expect(span?.attributes).toEqual({
      max: '9223372036854775807',
      min: '-9223372036854775808',
      safe: 2 ** 53 - 1,
      unsafe: '9007199254740993',
      'minus-one': -1,
      nan: 'NaN',
      inf: '-Infinity',
      ['__proto__']: 'polluted',
    });
    expect(Object.getPrototypeOf(span?.attributes)).toBe(Object.prototype);
  });
});
