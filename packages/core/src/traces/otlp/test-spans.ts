import type { OtlpSpan } from '@keel/spec';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

/** Test fixtures: hand-made ReadableSpans covering every OTLP field, and a clock that keeps them recent. */

export const testNowMs = Date.UTC(2026, 0, 2);
const startSeconds = Date.UTC(2026, 0, 1) / 1000;

type SpanAttributes = ReadableSpan['attributes'];
type HrTime = ReadableSpan['startTime'];

interface TestSpanInput {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** The API's SpanKind (INTERNAL 0 ... CONSUMER 4); OTLP numbers it one higher. */
  kind: number;
  start: HrTime;
  end: HrTime;
  attributes?: Record<string, unknown>;
  events?: TimedEvent[];
  links?: ReadableSpan['links'];
  status?: ReadableSpan['status'];
  resource?: Record<string, unknown>;
  scope?: ReadableSpan['instrumentationScope'];
}

/** Object and Uint8Array attribute values are outside the API's type but the OTLP serializers encode them (kvlist, bytes). */
function asAttributes(attributes: Record<string, unknown>): SpanAttributes {
  return attributes as SpanAttributes;
}

export function makeReadableSpan(input: TestSpanInput): ReadableSpan {
  const spanContext = { traceId: input.traceId, spanId: input.spanId, traceFlags: 1 };
  return {
    name: input.name,
    kind: input.kind,
    spanContext: () => spanContext,
    ...(input.parentSpanId === undefined ? {} : { parentSpanContext: { traceId: input.traceId, spanId: input.parentSpanId, traceFlags: 1 } }),
    startTime: input.start,
    endTime: input.end,
    status: input.status ?? { code: 0 },
    attributes: asAttributes(input.attributes ?? {}),
    links: input.links ?? [],
    events: input.events ?? [],
    duration: [0, 0],
    ended: true,
    resource: resourceFromAttributes(asAttributes(input.resource ?? { 'service.name': 'chat-api' })),
    instrumentationScope: input.scope ?? { name: 'keel-test', version: '1.2.3' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

export const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
export const otherTraceId = '0af7651916cd43dd8448eb211c80319c';

export const llmAttributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': 1200,
  'gen_ai.usage.output_tokens': 350,
  'gen_ai.request.temperature': 0.25,
  'gen_ai.request.stream': true,
  'big.positive': 2 ** 60,
  'big.negative': -(2 ** 62),
  'small.negative': -7,
  'gen_ai.response.finish_reasons': ['stop', 'length'],
  'list.ints': [1, 2, 3],
  'list.doubles': [1.5, -2.25],
  'list.bools': [true, false],
  'list.with_null': ['a', null, 'c'],
  'gen_ai.input.messages': { role: 'user', parts: [{ type: 'text', content: 'Hello' }], 'token.count': 3 },
  'raw.bytes': new Uint8Array([0, 1, 2, 250, 255]),
  'empty.string': '',
  'i18n.texte.clé': 'Grüße, 世界 🌍',
};

/** Four spans in three groups: two resources, and two scopes under the first. */
export function makeTestSpans(): ReadableSpan[] {
  return [
    makeReadableSpan({
      name: 'chat gpt-4o',
      traceId,
      spanId: '00f067aa0ba902b7',
      parentSpanId: '5fb397be34d26b51',
      kind: 2,
      start: [startSeconds, 123_456_789],
      end: [startSeconds + 2, 987_654_321],
      attributes: llmAttributes,
      events: [
        { name: 'gen_ai.content.prompt', time: [startSeconds + 1, 5], attributes: { 'gen_ai.prompt': 'Hello', count: 2 } },
        { name: 'exception', time: [startSeconds + 2, 0] },
      ],
      links: [{ context: { traceId: otherTraceId, spanId: 'b7ad6b7169203331', traceFlags: 1 }, attributes: { 'link.kind': 'follows' } }],
      status: { code: 2, message: 'rate limited' },
    }),
    makeReadableSpan({
      name: 'POST /chat',
      traceId,
      spanId: '5fb397be34d26b51',
      kind: 1,
      start: [startSeconds, 0],
      end: [startSeconds + 3, 0],
      status: { code: 1 },
    }),
    makeReadableSpan({
      name: 'retrieve',
      traceId,
      spanId: '1111111111111111',
      parentSpanId: '5fb397be34d26b51',
      kind: 0,
      start: [startSeconds, 500],
      end: [startSeconds, 900],
      attributes: { 'retrieval.documents': 4 },
      scope: { name: 'retriever', version: '0.1.0' },
    }),
    makeReadableSpan({
      name: 'embed',
      traceId: otherTraceId,
      spanId: '2222222222222222',
      kind: 2,
      start: [startSeconds + 10, 0],
      end: [startSeconds + 10, 1],
      resource: { 'service.name': 'indexer', 'deployment.environment': 'prod', 'service.instance.ports': [80, 443] },
      scope: { name: 'embedder', version: '' },
    }),
  ];
}

const startNanos = `${startSeconds}`;

/** What decoding makeTestSpans() must give, through either encoding. */
export function expectedTestSpans(): OtlpSpan[] {
  const chatApi = { 'service.name': 'chat-api' };
  const keelTest = { name: 'keel-test', version: '1.2.3' };
  return [
    {
      traceId,
      spanId: '00f067aa0ba902b7',
      parentSpanId: '5fb397be34d26b51',
      name: 'chat gpt-4o',
      otelKind: 3,
      startTimeUnixNano: `${startNanos}123456789`,
      endTimeUnixNano: `${startSeconds + 2}987654321`,
      attributes: {
        ...llmAttributes,
        'big.positive': '1152921504606846976',
        'big.negative': '-4611686018427387904',
        'raw.bytes': 'AAEC+v8=',
      },
      events: [
        { name: 'gen_ai.content.prompt', timeUnixNano: `${startSeconds + 1}000000005`, attributes: { 'gen_ai.prompt': 'Hello', count: 2 } },
        { name: 'exception', timeUnixNano: `${startSeconds + 2}000000000`, attributes: {} },
      ],
      links: [{ traceId: otherTraceId, spanId: 'b7ad6b7169203331', attributes: { 'link.kind': 'follows' } }],
      status: { code: 2, message: 'rate limited' },
      resource: chatApi,
      scope: keelTest,
    },
    {
      traceId,
      spanId: '5fb397be34d26b51',
      parentSpanId: null,
      name: 'POST /chat',
      otelKind: 2,
      startTimeUnixNano: `${startNanos}000000000`,
      endTimeUnixNano: `${startSeconds + 3}000000000`,
      attributes: {},
      events: [],
      links: [],
      status: { code: 1, message: '' },
      resource: chatApi,
      scope: keelTest,
    },
    {
      traceId,
      spanId: '1111111111111111',
      parentSpanId: '5fb397be34d26b51',
      name: 'retrieve',
      otelKind: 1,
      startTimeUnixNano: `${startNanos}000000500`,
      endTimeUnixNano: `${startNanos}000000900`,
      attributes: { 'retrieval.documents': 4 },
      events: [],
      links: [],
      status: { code: 0, message: '' },
      resource: chatApi,
      scope: { name: 'retriever', version: '0.1.0' },
    },
    {
      traceId: otherTraceId,
      spanId: '2222222222222222',
      parentSpanId: null,
      name: 'embed',
      otelKind: 3,
      startTimeUnixNano: `${startSeconds + 10}000000000`,
      endTimeUnixNano: `${startSeconds + 10}000000001`,
      attributes: {},
      events: [],
      links: [],
      status: { code: 0, message: '' },
      resource: { 'service.name': 'indexer', 'deployment.environment': 'prod', 'service.instance.ports': [80, 443] },
      scope: { name: 'embedder', version: '' },
    },
  ];
}
