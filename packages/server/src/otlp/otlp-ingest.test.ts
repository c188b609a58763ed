import { gzipSync } from 'node:zlib';
import { ROOT_CONTEXT, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { type TestServer, callKeel, callKeelOk, parsePrometheusText, prometheusValue, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const hour = 3_600_000;
const windowQuery = () => `from=${Date.now() - hour}&to=${Date.now() + hour}`;

function providerFor(exporter: SpanExporter): { provider: BasicTracerProvider; tracer: Tracer } {
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'chat-app' }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { provider, tracer: provider.getTracer('keel-test', '1.0.0') };
}

/** One chat turn as an app instrumented with OTel GenAI conventions records it: a root span and a generation. */
async function recordChatTurn(tracer: Tracer, sessionId: string): Promise<string> {
  return tracer.startActiveSpan('answer-question', async (root) => {
    root.setAttributes({ 'session.id': sessionId, 'user.id': 'user-7', 'input.value': 'What is Keel?' });
    // No global context manager here: the parent is passed explicitly.
    await tracer.startActiveSpan('chat gpt-4o', {}, trace.setSpan(ROOT_CONTEXT, root), async (generation) => {
      generation.setAttributes({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.usage.input_tokens': 1_000_000,
        'gen_ai.usage.output_tokens': 100_000,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'What is Keel?' }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'An ML platform.' }], finish_reason: 'stop' }]),
      });
      generation.setStatus({ code: SpanStatusCode.OK });
      generation.end();
    });
    root.end();
    return root.spanContext().traceId;
  });
}

interface TraceAnswer {
  trace: { traceId: string; name: string; spanCount: number; sessionId: string | null; userId: string | null; inputTokens: number; outputTokens: number; cost: number; models: string[] };
  spans: { span: { name: string; kind: string; provider: string | null; model: string | null; cost: number | null; costSource: string | null; output: unknown }; children: TraceAnswer['spans'] }[];
}

describe('OTLP/HTTP ingest with the real OpenTelemetry exporters', () => {
  it('takes protobuf from the OTLP proto exporter at /v1/traces, gzip-compressed, and derives tokens, model and cost', async () => {
    const exporter = new ProtoExporter({ url: `${server.url}/v1/traces`, headers: { authorization: `Bearer ${server.adminKey}` }, compression: 'gzip' as never });
    const { provider, tracer } = providerFor(exporter);
    const traceId = await recordChatTurn(tracer, 'session-proto');
    await provider.forceFlush();
    await provider.shutdown();

    const answer = (await callKeelOk(server.url, { method: 'GET', path: `/api/v1/traces/${traceId}` }, server.adminKey)) as TraceAnswer;
    expect(answer.trace).toMatchObject({ traceId, name: 'answer-question', spanCount: 2, sessionId: 'session-proto', userId: 'user-7', inputTokens: 1_000_000, outputTokens: 100_000 });
    const generation = answer.spans[0]!.children[0]!.span;
    expect(generation).toMatchObject({ name: 'chat gpt-4o', kind: 'llm', provider: 'openai', model: 'gpt-4o-2024-08-06', costSource: 'computed' });
    // Shipped gpt-4o list price: $2.50 per 1M input tokens and $10 per 1M output tokens.
    expect(generation.cost).toBeCloseTo(2.5 + 1, 6);
    expect(answer.trace.cost).toBeCloseTo(3.5, 6);
    expect(generation.output).toEqual([{ role: 'assistant', content: 'An ML platform.' }]);
  });

  it("takes OTLP JSON at Langfuse's path with Basic auth (public key as user, Keel key as password)", async () => {
    const basic = Buffer.from(`pk-lf-anything:${server.adminKey}`).toString('base64');
    const exporter = new JsonExporter({ url: `${server.url}/api/public/otel/v1/traces`, headers: { authorization: `Basic ${basic}` } });
    const { provider, tracer } = providerFor(exporter);
    const traceId = await recordChatTurn(tracer, 'session-json');
    await provider.forceFlush();
    await provider.shutdown();
    const listed = (await callKeelOk(server.url, { method: 'GET', path: `/api/v1/traces?${windowQuery()}&sessionId=session-json` }, server.adminKey)) as { items: { traceId: string; models: string[] }[] };
    expect(listed.items.map((item) => item.traceId)).toEqual([traceId]);
    expect(listed.items[0]!.models).toEqual(['gpt-4o-2024-08-06']);
  });

  it('an exporter with a wrong key is refused and nothing is stored', async () => {
    const before = (await callKeelOk(server.url, { method: 'GET', path: `/api/v1/traces?${windowQuery()}&limit=500` }, server.adminKey)) as { items: unknown[] };
    const answer = await callKeel(server.url, { method: 'POST', path: '/v1/traces', headers: { authorization: 'Bearer nope', 'content-type': 'application/json' }, rawBody: JSON.stringify(jsonRequest([goodSpan('a'.repeat(32), 'b'.repeat(16))])) });
    expect(answer.status).toBe(401);
    const after = (await callKeelOk(server.url, { method: 'GET', path: `/api/v1/traces?${windowQuery()}&limit=500` }, server.adminKey)) as { items: unknown[] };
    expect(after.items).toHaveLength(before.items.length);
  });
});

function goodSpan(traceId: string, spanId: string, extra: Record<string, unknown> = {}) {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    traceId, spanId, name: 'tool call', kind: 1,
    startTimeUnixNano: String(now), endTimeUnixNano: String(now + 5_000_000n),
    attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } }],
    status: {},
    ...extra,
  };
}

function jsonRequest(spans: unknown[]) {
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'raw' } }] }, scopeSpans: [{ scope: { name: 'raw' }, spans }] }] };
}

describe('OTLP bad input', () => {
  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    callKeel(server.url, { method: 'POST', path: '/v1/traces', headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json', ...headers }, rawBody: body });

  it('keeps the good spans of a batch and names the bad ones in partialSuccess', async () => {
    const traceId = 'c'.repeat(31) + '1';
    const answer = await post(JSON.stringify(jsonRequest([goodSpan(traceId, '1'.repeat(16)), goodSpan(traceId, 'zz'), goodSpan(traceId, '2'.repeat(16), { endTimeUnixNano: '5' })])));
    expect(answer.status).toBe(200);
    const body = answer.json as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedSpans).toBe('2');
    expect(body.partialSuccess.errorMessage).toMatch(/span 1/);
    const stored = (await callKeelOk(server.url, { method: 'GET', path: `/api/v1/traces/${traceId}` }, server.adminKey)) as TraceAnswer;
    expect(stored.trace.spanCount).toBe(1);
    expect(stored.spans[0]!.span.kind).toBe('tool');
  });

  it('answers 400 to malformed JSON and protobuf, 415 to other media types and encodings, with nothing stored', async () => {
    expect((await post('{"resourceSpans": [')).status).toBe(400);
    expect((await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), { 'content-type': 'application/x-protobuf' })).status).toBe(400);
    expect((await post('x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post('{}', { 'content-encoding': 'br' })).status).toBe(415);
    expect((await post(Buffer.from('not gzip'), { 'content-encoding': 'gzip' })).status).toBe(400);
    const answer = await post(gzipSync(JSON.stringify(jsonRequest([]))), { 'content-encoding': 'gzip' });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({});
  });

  it('counts written and rejected spans in /metrics, and exposes the ingest queue', async () => {
    const scrape = async () => parsePrometheusText((await callKeel(server.url, { method: 'GET', path: '/metrics' }, server.adminKey)).text);
    const before = await scrape();
    const count = (samples: ReturnType<typeof parsePrometheusText>, kind: string) => prometheusValue(samples, 'keel_ingested_total', { kind }) ?? 0;
    const traceId = 'd'.repeat(31) + '2';
    expect((await post(JSON.stringify(jsonRequest([goodSpan(traceId, '3'.repeat(16)), goodSpan(traceId, 'bad')])))).status).toBe(200);
    const after = await scrape();
    expect(count(after, 'spans') - count(before, 'spans')).toBe(1);
    expect(count(after, 'rejected_spans') - count(before, 'rejected_spans')).toBe(1);
    expect(prometheusValue(after, 'keel_trace_queue_spans')).toBe(0);
    expect(prometheusValue(after, 'keel_trace_active_requests')).toBe(0);
  });

  it('a read key cannot export spans', async () => {
    const key = (await callKeelOk(server.url, { method: 'POST', path: '/api/v1/keys', body: { name: 'reader', role: 'read' } }, server.adminKey)) as { secret: string };
    const answer = await callKeel(server.url, { method: 'POST', path: '/v1/traces', headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' }, rawBody: '{}' });
    expect(answer.status).toBe(403);
  });
});

