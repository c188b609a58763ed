import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { type TestServer, callKeel, openDatabaseProbe, type DatabaseProbe, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Property-based fuzzing of the OTLP endpoint over HTTP: byte-level mutations of a real protobuf
 * export request, and OTLP/JSON with random values where attributes, ids and times go. Never a
 * 5xx; a refused request stores nothing; an accepted one stores at most the spans it carried.
 */
let server: TestServer;
let probe: DatabaseProbe;
let valid: Uint8Array;

beforeAll(async () => {
  server = await startTestServer();
  probe = openDatabaseProbe(server.home);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('fuzz', '1.0.0');
  const root = tracer.startSpan('root', { attributes: { 'session.id': 's1', 'tag.tags': ['a', 'b'], 'gen_ai.usage.input_tokens': 12 } });
  const child = tracer.startSpan('chat gpt-4o', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.request.temperature': 0.2, 'gen_ai.request.stream': false } }, trace.setSpan(ROOT_CONTEXT, root));
  child.addEvent('exception', { 'exception.type': 'Timeout' });
  child.end();
  root.end();
  valid = ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans()) as Uint8Array;
  await provider.shutdown();
});
afterAll(async () => {
  probe.close();
  await server.close();
});

async function post(body: Uint8Array | string, contentType: string) {
  const before = probe.counts().spans ?? 0;
  const answer = await callKeel(server.url, { method: 'POST', path: '/v1/traces', rawBody: body, headers: { 'content-type': contentType } }, server.adminKey);
  const after = probe.counts().spans ?? 0;
  expect(answer.status, answer.text).toBeLessThan(500);
  if (answer.status !== 200) {
    expect([400, 413, 415]).toContain(answer.status);
    expect(answer.json).toMatchObject({ error_code: expect.any(String), message: expect.any(String) });
    expect(after, 'a refused request stored spans').toBe(before);
  }
  return { answer, stored: after - before };
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = Uint8Array.from(bytes);
  for (const change of mutations) {
    const at = out.length === 0 ? 0 : change.at % out.length;
    if (change.kind === 'flip') out[at] = change.value;
    else if (change.kind === 'cut') out = out.slice(0, at);
    else out = Uint8Array.from([...out.slice(0, at), ...change.bytes, ...out.slice(at)]);
  }
  return out;
}

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });

describe('OTLP endpoint fuzzing', () => {
  it('the unmutated request stores both spans', async () => {
    const { answer, stored } = await post(valid, 'application/x-protobuf');
    expect(answer.status).toBe(200);
    expect(stored).toBe(2);
  });

  it('mutated protobuf never gets a 5xx and never stores more than it carried', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 5 }), async (mutations) => {
        const { answer, stored } = await post(mutate(valid, mutations), 'application/x-protobuf');
        if (answer.status === 200) expect(stored).toBeLessThanOrEqual(3);
      }),
      { numRuns: 150 },
    );
  });

  it('OTLP/JSON with random values in every slot never gets a 5xx', { timeout: 120_000 }, async () => {
    const anyValue = fc.oneof(fc.anything(), fc.record({ stringValue: fc.string() }), fc.record({ intValue: fc.oneof(fc.integer(), fc.string()) }), fc.record({ arrayValue: fc.record({ values: fc.array(fc.anything(), { maxLength: 3 }) }) }));
    const span = fc.record({
      traceId: fc.oneof(hex(32), fc.string(), fc.anything()),
      spanId: fc.oneof(hex(16), fc.string(), fc.anything()),
      name: fc.oneof(fc.string(), fc.anything()),
      startTimeUnixNano: fc.oneof(fc.constant(String(BigInt(Date.now()) * 1_000_000n)), fc.string(), fc.integer(), fc.anything()),
      endTimeUnixNano: fc.oneof(fc.constant(String(BigInt(Date.now() + 5) * 1_000_000n)), fc.string(), fc.integer()),
      attributes: fc.oneof(fc.array(fc.record({ key: fc.oneof(fc.string(), fc.anything()), value: anyValue }), { maxLength: 4 }), fc.anything()),
      status: fc.oneof(fc.constant({}), fc.anything()),
    }, { requiredKeys: [] });
    const request = fc.oneof(
      fc.record({ resourceSpans: fc.array(fc.record({ scopeSpans: fc.array(fc.record({ spans: fc.array(span, { maxLength: 4 }) }), { maxLength: 2 }) }), { maxLength: 2 }) }),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(request, async (body) => {
        const { answer, stored } = await post(JSON.stringify(body) ?? 'null', 'application/json');
        if (answer.status === 200) expect(stored).toBeLessThanOrEqual(16);
      }),
      { numRuns: 150 },
    );
  });
});
