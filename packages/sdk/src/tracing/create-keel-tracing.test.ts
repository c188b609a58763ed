import type { OtlpSpan } from '@keel/spec';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type KeelTracing, type KeelTracingOptions, createKeelTracing } from './create-keel-tracing.ts';
import { type OtlpCaptureServer, startOtlpCaptureServer } from './start-otlp-capture-server.ts';

let server: OtlpCaptureServer;
let tracing: KeelTracing | undefined;
beforeAll(async () => {
  server = await startOtlpCaptureServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
  server.requests.length = 0;
});

const start = (options: Partial<KeelTracingOptions> = {}): KeelTracing => {
  tracing = createKeelTracing({ url: server.url, apiKey: 'test-key', serviceName: 'tests', ...options });
  return tracing;
};
const byName = (spans: OtlpSpan[], name: string): OtlpSpan => {
  const found = spans.find((item) => item.name === name);
  if (found === undefined) throw new Error(`no span named ${name} in ${spans.map((item) => item.name).join(', ')}`);
  return found;
};
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('createKeelTracing', () => {
  for (const encoding of ['protobuf', 'json'] as const) {
    it(`nests spans across awaits and concurrent branches (${encoding})`, async () => {
      const keel = start({ encoding });
      const result = await keel.trace('answer', async () => {
        const [left, right] = await Promise.all([
          keel.span('left', async () => {
            await pause(15);
            return keel.span('left.inner', async () => {
              await pause(1);
              return 'L';
            });
          }),
          keel.span('right', async () => {
            await pause(5);
            return keel.span('right.inner', () => 'R', { kind: 'tool' });
          }, { kind: 'retrieval', input: { query: 'q' } }),
        ]);
        return `${left}${right}`;
      });
      expect(result).toBe('LR');
      await keel.flush();

      const spans = server.spans();
      expect(spans).toHaveLength(5);
      const root = byName(spans, 'answer');
      expect(root.parentSpanId).toBeNull();
      expect(new Set(spans.map((item) => item.traceId))).toEqual(new Set([root.traceId]));
      expect(byName(spans, 'left').parentSpanId).toBe(root.spanId);
      expect(byName(spans, 'right').parentSpanId).toBe(root.spanId);
      expect(byName(spans, 'left.inner').parentSpanId).toBe(byName(spans, 'left').spanId);
      expect(byName(spans, 'right.inner').parentSpanId).toBe(byName(spans, 'right').spanId);
      expect(root.attributes).toMatchObject({ 'output.value': 'LR', 'output.mime_type': 'text/plain' });
      expect(byName(spans, 'right').attributes).toMatchObject({ 'openinference.span.kind': 'RETRIEVER', 'input.value': '{"query":"q"}', 'input.mime_type': 'application/json' });
      expect(byName(spans, 'right.inner').attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'right.inner' });
      expect(root.resource).toMatchObject({ 'service.name': 'tests' });
      expect(server.requests[0]?.headers).toMatchObject({ authorization: 'Bearer test-key', 'content-encoding': 'gzip', 'content-type': encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json' });
    });
  }

  it('puts session, user and tags on every span of the trace; trace() starts a new root wherever it is called', async () => {
    const keel = start();
    await keel.trace('outer', () => keel.span('a', () => keel.trace('separate', () => 1)), { sessionId: 's-1', userId: 'u-1', tags: ['beta'] });
    await keel.trace('tagged', async () => {
      await keel.span('child', () => keel.span('grandchild', () => 2), { tags: ['retry'] });
    }, { sessionId: 's-2', tags: ['beta'] });
    await keel.flush();
    const spans = server.spans();
    for (const name of ['outer', 'a']) expect(byName(spans, name).attributes).toMatchObject({ 'session.id': 's-1', 'user.id': 'u-1', 'tag.tags': ['beta'] });
    const separate = byName(spans, 'separate');
    // New traces get time-ordered ids: the time in milliseconds, then 80 random bits.
    for (const span of spans) expect(Math.abs(Number.parseInt(span.traceId.slice(0, 12), 16) - Date.now())).toBeLessThan(60_000);
    expect(separate.parentSpanId).toBeNull();
    expect(separate.traceId).not.toBe(byName(spans, 'outer').traceId);
    expect(separate.attributes['session.id']).toBeUndefined();
    expect(byName(spans, 'tagged').attributes).toMatchObject({ 'session.id': 's-2', 'tag.tags': ['beta'] });
    expect(byName(spans, 'child').attributes).toMatchObject({ 'session.id': 's-2', 'tag.tags': ['beta', 'retry'] });
    expect(byName(spans, 'grandchild').attributes).toMatchObject({ 'session.id': 's-2', 'tag.tags': ['beta', 'retry'] });
  });

  it('records exceptions, sync and async, and rethrows the very same error', async () => {
    const keel = start();
    const syncError = new TypeError('bad input');
    const asyncError = new RangeError('too far');
    let caught: unknown;
    try {
      keel.span('sync', () => {
        throw syncError;
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(syncError);
    await expect(keel.span('async', async () => {
      await pause(1);
      throw asyncError;
    })).rejects.toBe(asyncError);
    await expect(keel.trace('thrown string', () => Promise.reject('plain'))).rejects.toBe('plain');
    await keel.flush();
    const spans = server.spans();
    const sync = byName(spans, 'sync');
    expect(sync.status).toEqual({ code: 2, message: 'bad input' });
    expect(sync.attributes['error.type']).toBe('TypeError');
    expect(sync.events[0]).toMatchObject({ name: 'exception', attributes: { 'exception.type': 'TypeError', 'exception.message': 'bad input' } });
    expect(byName(spans, 'async')).toMatchObject({ status: { code: 2, message: 'too far' }, attributes: { 'error.type': 'RangeError' } });
    expect(byName(spans, 'thrown string').status).toEqual({ code: 2, message: 'plain' });
  });

  it('records setOutput in place of the return value, bounds long values, survives values JSON cannot carry', async () => {
    const keel = start({ maxValueChars: 20 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    keel.span('explicit', (span) => {
      span.setOutput({ kept: true });
      span.setAttributes({ 'app.step': 3 });
      return 'ignored';
    });
    keel.span('long', () => 'x'.repeat(100));
    keel.span('cyclic', () => cyclic);
    keel.span('bigint', () => ({ n: 10n }));
    await keel.flush();
    const spans = server.spans();
    expect(byName(spans, 'explicit').attributes).toMatchObject({ 'output.value': '{"kept":true}', 'app.step': 3 });
    expect(byName(spans, 'long').attributes['output.value']).toBe(`${'x'.repeat(20)}…[truncated 80 chars]`);
    expect(byName(spans, 'cyclic').attributes['output.value']).toBe('[object Object]');
    expect(byName(spans, 'bigint').attributes['output.value']).toBe('{"n":"10"}');
  });

  it('retries a 503 after the Retry-After it names, and does not retry a 400', async () => {
    const waits: number[] = [];
    const errors: string[] = [];
    const keel = start({
      retry: { baseDelayMs: 1, sleep: (ms) => (waits.push(ms), Promise.resolve()) },
      onError: (error) => errors.push(error.message),
    });
    server.answerNext({ status: 503, headers: { 'retry-after': '2' } }, { status: 503 });
    keel.span('kept', () => 1);
    await keel.flush();
    expect(server.requests.map((request) => request.status)).toEqual([503, 503, 200]);
    expect(waits[0]).toBe(2000);
    expect(server.spans().map((item) => item.name)).toEqual(['kept']);
    expect(keel.stats()).toMatchObject({ exported: 1, failed: 0, retries: 2, requests: 3 });

    server.answerNext({ status: 400, body: '{"error":"bad"}' });
    keel.span('refused', () => 1);
    await keel.flush();
    expect(server.requests).toHaveLength(4);
    expect(keel.stats()).toMatchObject({ exported: 1, failed: 1, retries: 2 });
    expect(errors).toEqual([expect.stringContaining('answered HTTP 400')]);
  });

  it('splits a batch the server finds too large, and counts spans the server rejects', async () => {
    const keel = start();
    server.answerNext({ status: 413 }, { status: 200, body: JSON.stringify({ partialSuccess: { rejectedSpans: '1', errorMessage: 'span 0: bad id' } }) });
    for (const name of ['a', 'b', 'c', 'd']) keel.span(name, () => 1);
    await keel.flush();
    expect(server.requests.map((request) => request.spans.length)).toEqual([4, 2, 2]);
    expect(keel.stats()).toMatchObject({ exported: 3, rejected: 1, failed: 0, lastError: 'Keel rejected 1 of 4 spans: span 0: bad id' });
  });

  it('never throws into the caller when the server is down; flush settles and stats tell', async () => {
    const errors: Error[] = [];
    const keel = start({ url: 'http://127.0.0.1:9', retry: { maxAttempts: 3, baseDelayMs: 1 }, onError: (error) => errors.push(error) });
    expect(keel.span('lost', () => 'fine')).toBe('fine');
    await keel.flush();
    expect(keel.stats()).toMatchObject({ failed: 1, exported: 0, requests: 3, retries: 2 });
    expect(errors[0]?.message).toMatch(/Cannot send spans to http:\/\/127.0.0.1:9\/v1\/traces/);
  });

  it('sends on the interval without a flush, and leaves no timer behind after shutdown', async () => {
    const timerCount = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout' || kind === 'Immediate').length;
    const before = timerCount();
    const keel = start({ flushIntervalMs: 30 });
    keel.span('timed', () => 1);
    for (let waited = 0; server.spans().length === 0 && waited < 3000; waited += 10) await pause(10);
    expect(server.spans().map((item) => item.name)).toEqual(['timed']);
    await keel.shutdown();
    keel.span('after', () => 1);
    expect(keel.stats()).toMatchObject({ exported: 1, dropped: 1 });
    // A count, not the set of kinds: two timers of one kind before are two.
    expect(timerCount()).toBeLessThanOrEqual(before);
  });
});
