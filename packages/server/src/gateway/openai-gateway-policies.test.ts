import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConfigInput } from '@keel/spec';
import { type FakeOpenAiServer, gatewayAdmin, type GatewayAdmin, parsePrometheusText, prometheusValue, startFakeOpenAiServer, startTestServer, type TestServer } from '@keel/testing';

let server: TestServer;
let upstream: FakeOpenAiServer;

let admin: GatewayAdmin;
const api: GatewayAdmin['api'] = (method, path, body) => admin.api(method, path, body);
const configure: GatewayAdmin['configure'] = (config) => admin.configure(config);
const createKey: GatewayAdmin['createKey'] = (name, extra) => admin.createKey(name, extra);

const client = (apiKey: string): OpenAI => new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });

function config(extra: Partial<GatewayConfigInput> = {}): GatewayConfigInput {
  return {
    providers: [{ name: 'openai', type: 'openai', base_url: upstream.baseURL, api_key: 'sk-upstream-secret-value' }],
    models: [
      { name: 'gpt-4o-mini', targets: [{ provider: 'openai', model: 'gpt-4o-mini' }] },
      { name: 'embed', kind: 'embedding', targets: [{ provider: 'openai', model: 'text-embedding-3-small' }] },
    ],
    ...extra,
  };
}

interface WireSpan {
  attributes?: Record<string, unknown>;
  raw?: { attributes?: Record<string, unknown> };
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cost: number | null;
  input: unknown;
  output: unknown;
  timeToFirstTokenMs: number | null;
}

/** The generation spans the gateway wrote for this request id. */
async function spanOf(requestId: string): Promise<WireSpan> {
  await server.server.services.gateway.flush();
  const now = Date.now();
  const list = await api('GET', `/api/v1/traces?from=${now - 3_600_000}&to=${now + 60_000}&limit=500`);
  expect(list.status, JSON.stringify(list.json)).toBe(200);
  for (const trace of (list.json as { items: { traceId: string }[] }).items) {
    const detail = await api('GET', `/api/v1/traces/${trace.traceId}`);
    // The detail is a tree; a gateway span is a root unless the client sent a traceparent.
    const spans = (detail.json as { spans: { span: WireSpan }[] }).spans.map((node) => node.span);
    const found = spans.find((span) => JSON.stringify(span).includes(requestId));
    if (found !== undefined) return found;
  }
  throw new Error(`no span for ${requestId}`);
}

/** Accounting runs a few milliseconds after each answer, and usage is written every second: both are flushed. */
async function flushUsage(): Promise<void> {
  await server.server.services.gateway.flush();
  await server.server.services.gatewayUsage.flush();
}

async function usageRow(key: string): Promise<Record<string, number | string | null> | undefined> {
  await flushUsage();
  const answer = await api('GET', '/api/v1/gateway/usage?group_by=key');
  return (answer.json as { rows: Record<string, number | string | null>[] }).rows.find((row) => row.key === key);
}

beforeAll(async () => {
  upstream = await startFakeOpenAiServer();
  server = await startTestServer();
  admin = gatewayAdmin(server.url, server.adminKey);
});

afterAll(async () => {
  await server?.close();
  await upstream?.close();
});

describe('gateway limits, budgets, caches and traces', () => {
  it('holds a requests-per-minute limit exactly under concurrency and answers 429 with Retry-After', async () => {
    await configure(config());
    const key = await createKey('rpm-5', { limits: { rpm: 5 } });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => client(key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })));
    const refused = results.filter((result) => result.status === 'rejected').map((result) => result.reason as InstanceType<typeof OpenAI.APIError>);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(5);
    expect(refused).toHaveLength(15);
    expect(refused.every((error) => error instanceof OpenAI.RateLimitError)).toBe(true);
    const retryAfter = Number(refused[0]?.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused[0]?.message).toContain('5 requests per minute');
  });

  it('holds a daily budget: concurrent calls never spend past it, and the rest answer 429 insufficient_quota', async () => {
    await configure(config());
    // gpt-4o-mini: $0.15 / $0.60 per million tokens. Each call reserves its prompt and max_tokens 10 at that price.
    const key = await createKey('budget', { limits: { budget_usd_day: 0.00005 } });
    const call = () => client(key).chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'one two three four five six seven eight' }] });
    const results = await Promise.allSettled(Array.from({ length: 60 }, call));
    const granted = results.filter((result) => result.status === 'fulfilled').length;
    const refused = results.filter((result) => result.status === 'rejected').map((result) => result.reason as InstanceType<typeof OpenAI.APIError>);
    expect(granted).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((error) => error.status === 429 && error.code === 'insufficient_quota')).toBe(true);
    const row = await usageRow('budget');
    expect(Number(row?.cost_usd)).toBeLessThanOrEqual(0.00005);
    expect(Number(row?.requests)).toBe(granted);
  });

  it('holds a tokens-per-minute limit; with max_tokens set the reservation bounds each call', async () => {
    await configure(config());
    const key = await createKey('tpm', { limits: { tpm: 200 } });
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => client(key).chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: 'count these words please' }] })));
    const granted = results.filter((result) => result.status === 'fulfilled').length;
    const row = await usageRow('tpm');
    expect(granted).toBeGreaterThan(0);
    expect(granted).toBeLessThan(30);
    expect(Number(row?.input_tokens) + Number(row?.output_tokens)).toBeLessThanOrEqual(200);
  });

  it('answers an identical request from the exact cache, also as a replayed stream, and bypasses it on Cache-Control: no-store', async () => {
    await configure(config({ cache: { exact: { enabled: true, ttl_seconds: 60 } } }));
    const key = await createKey('cached');
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'cache me please' }] };
    const before = upstream.requests.length;
    const first = await client(key).chat.completions.create(request).withResponse();
    expect(first.response.headers.get('x-keel-cache')).toBe('miss');
    const second = await client(key).chat.completions.create(request).withResponse();
    expect(second.response.headers.get('x-keel-cache')).toBe('exact');
    expect(second.data.choices[0]?.message.content).toBe(first.data.choices[0]?.message.content);
    const stream = await client(key).chat.completions.create({ ...request, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(first.data.choices[0]?.message.content);
    expect(upstream.requests.length - before).toBe(1);
    const bypass = await client(key).chat.completions.create(request, { headers: { 'cache-control': 'no-store' } }).withResponse();
    expect(bypass.response.headers.get('x-keel-cache')).toBe('bypass');
    expect(upstream.requests.length - before).toBe(2);
    const hitSpan = await spanOf(second.response.headers.get('x-request-id') ?? '');
    expect(JSON.stringify(hitSpan)).toContain('"keel.gateway.cache":"exact"');
    const row = await usageRow('cached');
    expect(row?.cache_hits).toBe(2);
  });

  it('answers a similar question from the semantic cache above the threshold', async () => {
    await configure(config({ cache: { semantic: { enabled: true, threshold: 0.99, embedding_model: 'embed' } } }));
    const key = await createKey('semantic');
    const ask = (content: string) => client(key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }).withResponse();
    const first = await ask('What is the capital of France?');
    expect(first.response.headers.get('x-keel-cache')).toBe('miss');
    // The fake upstream's embeddings come from the characters: the same letters in another case embed alike.
    const similar = await ask('what is the capital of france?');
    expect(similar.response.headers.get('x-keel-cache')).toBe('semantic');
    expect(similar.data.choices[0]?.message.content).toBe(first.data.choices[0]?.message.content);
    const different = await ask('Tell me a long story about dragons and knights');
    expect(different.response.headers.get('x-keel-cache')).toBe('miss');
  });

  it('traces every call as a generation span with tokens, cost, time to first token and the fallback path, without provider secrets', async () => {
    await configure({
      providers: [
        { name: 'down', type: 'openai', base_url: 'http://127.0.0.1:9/v1', api_key: 'sk-down-secret-value' },
        { name: 'openai', type: 'openai', base_url: upstream.baseURL, api_key: 'sk-upstream-secret-value' },
      ],
      models: [{ name: 'gpt-4o-mini', targets: [{ provider: 'down', model: 'gpt-4o-mini' }], fallbacks: [{ provider: 'openai', model: 'gpt-4o-mini' }] }],
      retry: { attempts: 0, base_delay_ms: 1, max_delay_ms: 1 },
    });
    const key = await createKey('traced');
    const stream = await client(key).chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'mail me at someone@example.com' }] }).withResponse();
    for await (const chunk of stream.data) void chunk;
    const span = await spanOf(stream.response.headers.get('x-request-id') ?? '');
    expect(span.model).toContain('gpt-4o-mini');
    expect(span.inputTokens).toBe(4);
    expect(span.outputTokens).toBe(5);
    expect(span.cost).toBeGreaterThan(0);
    expect(span.timeToFirstTokenMs).not.toBeNull();
    const text = JSON.stringify(span);
    expect(text).toContain('down/gpt-4o-mini:failed');
    expect(text).toContain('openai/gpt-4o-mini:ok');
    expect(text).not.toContain('sk-upstream-secret-value');
    expect(text).not.toContain('sk-down-secret-value');
    expect(JSON.stringify(span.input)).toContain('someone@example.com');
    const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.adminKey}` } });
    const samples = parsePrometheusText(await metrics.text());
    expect(prometheusValue(samples, 'keel_gateway_spans_written')).toBeGreaterThan(0);
    expect(prometheusValue(samples, 'keel_gateway_spans_dropped')).toBe(0);
  });

  it('masks bodies with the project\'s PII rules, and records none when record_bodies is off', async () => {
    expect((await api('PUT', '/api/v1/trace-settings', { retentionDays: null, pii: { detectors: ['email'], custom: [] }, prices: [] })).status).toBe(200);
    await configure(config());
    const key = await createKey('masked');
    const masked = await client(key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'mail me at someone@example.com' }] }).withResponse();
    const maskedSpan = await spanOf(masked.response.headers.get('x-request-id') ?? '');
    expect(JSON.stringify(maskedSpan.input)).not.toContain('someone@example.com');
    expect(JSON.stringify(maskedSpan.input)).toContain('mail me at');

    await configure(config({ record_bodies: false }));
    const quiet = await client(key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'nothing to record here' }] }).withResponse();
    const quietSpan = await spanOf(quiet.response.headers.get('x-request-id') ?? '');
    expect(quietSpan.input).toBeNull();
    expect(quietSpan.output).toBeNull();
    expect(quietSpan.inputTokens).toBe(4);
  });

  it('reports usage and cost per key, model and day', async () => {
    await configure(config());
    const key = await createKey('reporter');
    for (let index = 0; index < 3; index += 1) await client(key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a b c' }] });
    await flushUsage();
    const answer = await api('GET', '/api/v1/gateway/usage?group_by=day,key,model&key=reporter');
    const rows = (answer.json as { rows: { day: string; key: string; model: string; requests: number; input_tokens: number; cost_usd: number }[] }).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ day: new Date().toISOString().slice(0, 10), key: 'reporter', model: 'gpt-4o-mini', requests: 3, input_tokens: 9 });
    expect(rows[0]?.cost_usd).toBeGreaterThan(0);
  });
});
