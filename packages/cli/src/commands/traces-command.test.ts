import { type TestServer, callKeelOk, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureCli } from '../capture-cli.ts';

let server: TestServer;
let env: Record<string, string>;
const traceId = '5b8efff798038103d269b633813fc60c';
// 2026-11-29T06:00:00Z, fixed so that the printed times are stable.
const startMs = Date.UTC(2026, 10, 29, 6, 0, 0);

function span(spanId: string, parentSpanId: string, name: string, offsetMs: number, durationMs: number, attributes: Record<string, string | number>, status = {}) {
  const start = BigInt(startMs + offsetMs) * 1_000_000n;
  return {
    traceId, spanId, parentSpanId, name, kind: 1, status,
    startTimeUnixNano: String(start), endTimeUnixNano: String(start + BigInt(durationMs) * 1_000_000n),
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: typeof value === 'number' ? { intValue: value } : { stringValue: value } })),
  };
}

beforeAll(async () => {
  server = await startTestServer();
  env = { KEEL_URL: server.url, KEEL_API_KEY: server.adminKey };
  const body = {
    resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'cli-test' }, spans: [
      span('00000000000000a1', '', 'rag-query', 0, 1500, { 'openinference.span.kind': 'CHAIN', 'user.id': 'ana', 'session.id': 's-9' }),
      span('00000000000000a2', '00000000000000a1', 'retrieve', 10, 200, { 'openinference.span.kind': 'RETRIEVER' }),
      span('00000000000000a3', '00000000000000a1', 'chat gpt-4o', 250, 1200, { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 200 }, { code: 2, message: 'rate limited' }),
    ] }] }],
  };
  await callKeelOk(server.url, { method: 'POST', path: '/v1/traces', rawBody: JSON.stringify(body), headers: { 'content-type': 'application/json' } }, server.adminKey);
});
afterAll(() => server.close());

const now = () => startMs + 3_600_000;

describe('keel traces', () => {
  it('lists the traces of the last 24 hours with latency, status, tokens and cost', async () => {
    const result = await captureCli(['traces', 'list'], { env, now });
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n').map((line) => line.replace(/\s+/g, ' '));
    expect(lines).toEqual([
      'TRACE START NAME LATENCY STATUS SPANS TOKENS COST MODELS USER',
      `${traceId} 2026-11-29T06:00:00Z rag-query 1.50 s error 3 1000/200 $0.004500 gpt-4o ana`,
    ]);
  });

  it('filters, and says when nothing matched', async () => {
    expect((await captureCli(['traces', 'list', '--model', 'claude-3-haiku'], { env, now })).stdout).toBe('No traces between 2026-11-28T07:00:00Z and 2026-11-29T07:00:00Z.\n');
    const json = JSON.parse((await captureCli(['traces', 'list', '--user', 'ana', '--min-latency', '1000', '--json'], { env, now })).stdout) as { items: { traceId: string }[] };
    expect(json.items.map((item) => item.traceId)).toEqual([traceId]);
  });

  it('prints one trace as a span tree with timings', async () => {
    const result = await captureCli(['traces', 'get', traceId], { env, now });
    expect(result.stdout).toContain('latency  1.50 s\n');
    const tree = result.stdout.split('\n\n')[1]!.trimEnd().split('\n').map((line) => line.replace(/\s+$/, ''));
    expect(tree.map((line) => line.trim().replace(/ {2,}/g, ' | '))).toEqual([
      'START | DURATION | SPAN | STATUS | DETAIL',
      '+0.0 ms | 1.50 s | rag-query [chain] | unset',
      '+10.0 ms | 200.0 ms | ├─ retrieve [retrieval] | unset',
      '+250.0 ms | 1.20 s | └─ chat gpt-4o [llm] | ERROR: rate limited | gpt-4o | 1000/200 | $0.004500',
    ]);
  });

  it('explains a bad window and an unknown trace', async () => {
    const bad = await captureCli(['traces', 'list', '--since', 'yesterday'], { env, now });
    expect(bad).toMatchObject({ code: 1, stderr: "keel: INVALID_PARAMETER_VALUE: 'yesterday' is not a duration: use a number and s, m, h or d (e.g. 24h)\n" });
    const missing = await captureCli(['traces', 'get', 'f'.repeat(32)], { env, now });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^keel: RESOURCE_DOES_NOT_EXIST: Trace 'f+' does not exist\n$/);
  });
});
