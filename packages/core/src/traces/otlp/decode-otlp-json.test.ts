import { hasErrorCode } from '@keel/spec';
import { describe, expect, it } from 'vitest';
import { decodeOtlpJson } from './decode-otlp-json.ts';
import { testNowMs } from './test-spans.ts';

const options = { nowMs: testNowMs };
const start = `${testNowMs - 60_000}000000`;
const end = `${testNowMs - 55_000}000000`;

function span(spanId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId, name: 'ok', kind: 1, startTimeUnixNano: start, endTimeUnixNano: end, ...overrides };
}

function body(...groups: unknown[][]): unknown {
  return { resourceSpans: groups.map((spans) => ({ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 's' }, spans }] })) };
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('decodeOtlpJson on bodies that are not a request', () => {
  it.each([null, 'text', 42, [], {}, { resourceSpans: {} }, { resourceSpans: 'x' }])('throws BAD_REQUEST for %j', (value) => {
    const error = thrown(() => decodeOtlpJson(value, options));
    expect(hasErrorCode(error, 'BAD_REQUEST')).toBe(true);
    expect((error as Error).message).toBe('The body is not an OTLP/JSON ExportTraceServiceRequest: expected an object with a resourceSpans array');
  });

  it('throws BAD_REQUEST naming the path of a group that is not an object or a list that is not an array', () => {
    expect((thrown(() => decodeOtlpJson({ resourceSpans: [5] }, options)) as Error).message).toContain('resourceSpans[0] is not an object');
    expect((thrown(() => decodeOtlpJson({ resourceSpans: [{ scopeSpans: [{ spans: {} }] }] }, options)) as Error).message).toContain(
      'resourceSpans[0].scopeSpans[0].spans is not an array',
    );
  });

  it('accepts an empty resourceSpans array', () => {
    expect(decodeOtlpJson({ resourceSpans: [] }, options)).toEqual({ spans: [], rejected: [] });
  });

  it('throws PAYLOAD_TOO_LARGE above maxSpans, naming the limit', () => {
    const error = thrown(() => decodeOtlpJson(body([span('0000000000000001')], [span('0000000000000002')]), { ...options, maxSpans: 1 }));
    expect(hasErrorCode(error, 'PAYLOAD_TOO_LARGE')).toBe(true);
    expect((error as Error).message).toContain('more than 1 spans');
  });
});

describe('decodeOtlpJson rejects bad spans and keeps the good ones', () => {
  it('reports each bad span with its index across groups, its span id and a reason', () => {
    const result = decodeOtlpJson(
      body(
        [
          span('0000000000000001'),
          span('0000000000000002', { traceId: undefined }),
          span('0000000000000003', { traceId: 'S/kvNXezTaajzpKdDg5HNg==' }),
          span('0000000000000004', { spanId: '0000000000000000' }),
          5,
        ],
        [
          span('0000000000000006', { startTimeUnixNano: 'soon' }),
          span('0000000000000007', { endTimeUnixNano: undefined }),
          span('0000000000000008', { endTimeUnixNano: `${testNowMs - 61_000}000000` }),
          span('0000000000000009', { name: 42 }),
          span('000000000000000a', { attributes: [{ key: 'k', value: 'plain' }] }),
          span('000000000000000b', { attributes: [{ key: 'k', value: { foo: 1 } }] }),
          span('000000000000000c', { attributes: [{ key: 'k', value: {} }] }),
          span('000000000000000d', { attributes: [{ key: 'k', value: { intValue: '12.5' } }] }),
          span('000000000000000e', { attributes: { k: 'v' } }),
          span('000000000000000f', { startTimeUnixNano: -5 }),
          span('0000000000000010', { parentSpanId: 'xyz' }),
          span('0000000000000011', { kind: 'SPAN_KIND_SIDEWAYS' }),
          span('0000000000000012', { events: [{ name: 'e', timeUnixNano: 'later' }] }),
          span('0000000000000013', { attributes: [{ key: 'k', value: { arrayValue: { values: [{ stringValue: 'a' }, { foo: 1 }] } } }] }),
        ],
      ),
      options,
    );
    expect(result.spans.map((kept) => kept.spanId)).toEqual(['0000000000000001']);
    expect(result.rejected).toEqual([
      { index: 1, spanId: '0000000000000002', reason: 'traceId is missing' },
      { index: 2, spanId: '0000000000000003', reason: 'traceId must be 32 hex characters (16 bytes), not all zeros' },
      { index: 3, spanId: null, reason: 'spanId must be 16 hex characters (8 bytes), not all zeros' },
      { index: 4, spanId: null, reason: 'span is not an object' },
      { index: 5, spanId: '0000000000000006', reason: 'startTimeUnixNano must be a non-negative integer of nanoseconds' },
      { index: 6, spanId: '0000000000000007', reason: 'endTimeUnixNano is missing or zero' },
      { index: 7, spanId: '0000000000000008', reason: `endTimeUnixNano ${testNowMs - 61_000}000000 is before startTimeUnixNano ${start}` },
      { index: 8, spanId: '0000000000000009', reason: 'name is not a string' },
      { index: 9, spanId: '000000000000000a', reason: "attribute 'k' has a value that is not an OTLP AnyValue object" },
      {
        index: 10,
        spanId: '000000000000000b',
        reason: "attribute 'k' has a value that is not an OTLP AnyValue (none of stringValue, boolValue, intValue, doubleValue, arrayValue, kvlistValue, bytesValue)",
      },
      { index: 11, spanId: '000000000000000c', reason: "attribute 'k' has no value (an AnyValue with none of its fields set)" },
      { index: 12, spanId: '000000000000000d', reason: "attribute 'k' intValue is not an integer" },
      { index: 13, spanId: '000000000000000e', reason: 'attributes is not an array' },
      { index: 14, spanId: '000000000000000f', reason: 'startTimeUnixNano must be a non-negative integer of nanoseconds' },
      { index: 15, spanId: '0000000000000010', reason: 'parentSpanId must be 16 hex characters (8 bytes), not all zeros' },
      { index: 16, spanId: '0000000000000011', reason: 'kind "SPAN_KIND_SIDEWAYS" is not one of its enum values' },
      { index: 17, spanId: '0000000000000012', reason: 'event 0 timeUnixNano must be a non-negative integer of nanoseconds' },
      {
        index: 18,
        spanId: '0000000000000013',
        reason: "attribute 'k' has a value that is not an OTLP AnyValue (none of stringValue, boolValue, intValue, doubleValue, arrayValue, kvlistValue, bytesValue)",
      },
    ]);
  });

  it('rejects every span of a group whose resource does not decode, and keeps the other groups', () => {
    const request = {
      resourceSpans: [
        { resource: { attributes: [{ key: 'service.name', value: { stringValue: 7 } }] }, scopeSpans: [{ spans: [span('0000000000000001')] }] },
        { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fine' } }] }, scopeSpans: [{ spans: [span('0000000000000002')] }] },
      ],
    };
    const result = decodeOtlpJson(request, options);
    expect(result.rejected).toEqual([{ index: 0, spanId: '0000000000000001', reason: "resource does not decode: attribute 'service.name' stringValue is not a string" }]);
    expect(result.spans.map((kept) => [kept.spanId, kept.resource])).toEqual([['0000000000000002', { 'service.name': 'fine' }]]);
  });
});

describe('decodeOtlpJson on valid but unusual encodings', () => {
  it('reads numbers for int64 fields, enum names, upper-case hex ids and snake_case field names', () => {
    const result = decodeOtlpJson(
      {
        resource_spans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }] },
            scope_spans: [
              {
                scope: { name: 'lib', version: '2' },
                spans: [
                  {
                    trace_id: '4BF92F3577B34DA6A3CE929D0E0E4736',
                    span_id: '00F067AA0BA902B7',
                    parent_span_id: '',
                    name: 'snake',
                    kind: 'SPAN_KIND_SERVER',
                    start_time_unix_nano: Number(start),
                    end_time_unix_nano: `000${end}`,
                    attributes: [
                      { key: 'int', value: { int_value: '9007199254740993' } },
                      { key: 'num', value: { intValue: 12 } },
                      { key: 'dbl', value: { doubleValue: 'Infinity' } },
                      { key: 'list', value: { arrayValue: { values: [{ boolValue: true }, {}] } } },
                      { key: 'map', value: { kvlistValue: { values: [{ key: 'a', value: { bytesValue: 'AQI=' } }] } } },
                      { key: 'empty-list', value: { arrayValue: {} } },
                    ],
                    events: [{ time_unix_nano: start, name: 'e' }],
                    status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
                  },
                ],
              },
            ],
          },
        ],
      },
      options,
    );
    expect(result.rejected).toEqual([]);
    expect(result.spans).toEqual([
      {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        parentSpanId: null,
        name: 'snake',
        otelKind: 2,
        startTimeUnixNano: start,
        endTimeUnixNano: end,
        attributes: { int: '9007199254740993', num: 12, dbl: 'Infinity', list: [true, null], map: { a: 'AQI=' }, 'empty-list': [] },
        events: [{ name: 'e', timeUnixNano: start, attributes: {} }],
        links: [],
        status: { code: 2, message: 'boom' },
        resource: { 'service.name': 'svc' },
        scope: { name: 'lib', version: '2' },
      },
    ]);
  });
});
