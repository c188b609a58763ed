import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { OtlpDecodeResult, OtlpSpan } from '@keel/spec';
import { describe, expect, it } from 'vitest';
import { decodeOtlpJson } from './decode-otlp-json.ts';
import { decodeOtlpProtobuf } from './decode-otlp-protobuf.ts';
import { expectedTestSpans, makeTestSpans, testNowMs, traceId } from './test-spans.ts';

const options = { nowMs: testNowMs };

function encodeProtobuf(spans: Parameters<typeof ProtobufTraceSerializer.serializeRequest>[0]): Uint8Array {
  const bytes = ProtobufTraceSerializer.serializeRequest(spans);
  if (bytes === undefined) throw new Error('the protobuf serializer returned nothing');
  return bytes;
}

function encodeJson(spans: Parameters<typeof JsonTraceSerializer.serializeRequest>[0]): unknown {
  const bytes = JsonTraceSerializer.serializeRequest(spans);
  if (bytes === undefined) throw new Error('the JSON serializer returned nothing');
  return JSON.parse(new TextDecoder().decode(bytes));
}

const decoders: [string, () => OtlpDecodeResult][] = [
  ['protobuf', () => decodeOtlpProtobuf(encodeProtobuf(makeTestSpans()), options)],
  ['json', () => decodeOtlpJson(encodeJson(makeTestSpans()), options)],
];

function byId(spans: OtlpSpan[]): Map<string, OtlpSpan> {
  return new Map(spans.map((span) => [span.spanId, span]));
}

describe.each(decoders)('OTLP %s encoding from the OpenTelemetry serializers', (_encoding, decode) => {
  it('decodes every span, none rejected, field by field', () => {
    const result = decode();
    expect(result.rejected).toEqual([]);
    const actual = byId(result.spans);
    for (const expected of expectedTestSpans()) {
      const span = actual.get(expected.spanId);
      expect(span, expected.spanId).toBeDefined();
      for (const field of Object.keys(expected) as (keyof OtlpSpan)[]) {
        expect(span?.[field], `${expected.spanId}.${field}`).toEqual(expected[field]);
      }
    }
    expect(result.spans).toHaveLength(4);
  });

  it('keeps every attribute type as the data model has it', () => {
    const llm = byId(decode().spans).get('00f067aa0ba902b7');
    expect(llm?.attributes['gen_ai.usage.input_tokens']).toBe(1200);
    expect(llm?.attributes['gen_ai.request.temperature']).toBe(0.25);
    expect(llm?.attributes['gen_ai.request.stream']).toBe(true);
    expect(llm?.attributes['big.positive']).toBe('1152921504606846976');
    expect(llm?.attributes['big.negative']).toBe('-4611686018427387904');
    expect(llm?.attributes['small.negative']).toBe(-7);
    expect(llm?.attributes['list.with_null']).toEqual(['a', null, 'c']);
    expect(llm?.attributes['gen_ai.input.messages']).toEqual({ role: 'user', parts: [{ type: 'text', content: 'Hello' }], 'token.count': 3 });
    expect(llm?.attributes['raw.bytes']).toBe('AAEC+v8=');
    expect(llm?.status).toEqual({ code: 2, message: 'rate limited' });
  });
});

describe('spans recorded by a real tracer', () => {
  it('decode the same through both encodings', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'tracer-test' }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('keel-tracer-test', '9.9.9');
    tracer.startActiveSpan('parent', (parent) => {
      const child = tracer.startSpan('child', { attributes: { 'gen_ai.request.model': 'claude', tokens: 12 } });
      child.addEvent('first token', { ttft_ms: 120 });
      child.end();
      parent.end();
    });
    const finished = exporter.getFinishedSpans();
    const nowMs = Date.now();
    const fromProtobuf = decodeOtlpProtobuf(encodeProtobuf(finished), { nowMs });
    const fromJson = decodeOtlpJson(encodeJson(finished), { nowMs });
    expect(fromProtobuf.rejected).toEqual([]);
    expect(fromProtobuf.spans.map((span) => span.name).sort()).toEqual(['child', 'parent']);
    expect(fromJson).toEqual(fromProtobuf);
    const child = fromProtobuf.spans.find((span) => span.name === 'child');
    expect(child?.attributes).toEqual({ 'gen_ai.request.model': 'claude', tokens: 12 });
    expect(child?.events[0]?.attributes).toEqual({ ttft_ms: 120 });
    expect(child?.scope).toEqual({ name: 'keel-tracer-test', version: '9.9.9' });
    expect(child?.resource['service.name']).toBe('tracer-test');
    expect(child?.spanId).toBe(finished.find((span) => span.name === 'child')?.spanContext().spanId);
  });
});

describe('protobuf and JSON agree', () => {
  it('give equal results for the same spans', () => {
    const spans = makeTestSpans();
    expect(decodeOtlpJson(encodeJson(spans), options)).toEqual(decodeOtlpProtobuf(encodeProtobuf(spans), options));
    expect(traceId).toHaveLength(32);
  });
});
