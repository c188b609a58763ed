import OpenAI from 'openai';
import { createKeelClient, type KeelClient } from '@keel/sdk';
import type { WireSpan } from '@keel/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callKeel, exactPercentile, type FakeOpenAiServer, gatewayAdmin, startFakeOpenAiServer, startTestServer, type TestServer } from '@keel/testing';

let server: TestServer;
let upstream: FakeOpenAiServer;
let keel: KeelClient;
const window = () => ({ from: Date.now() - 3_600_000, to: Date.now() + 60_000 });

async function chat(apiKey: string, text: string): Promise<void> {
  const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });
  const answer = await openai.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: text }] });
  expect(answer.choices[0]?.message.content).toBe(`echo: ${text}`);
}

/** Every span the gateway wrote, read back through the trace API. */
async function gatewaySpans(): Promise<WireSpan[]> {
  const traces = await keel.traces.list({ ...window(), limit: 500 });
  const details = await Promise.all(traces.items.map((trace) => keel.traces.get(trace.traceId)));
  const spans: WireSpan[] = [];
  const walk = (nodes: (typeof details)[number]['spans']) => {
    for (const node of nodes) {
      spans.push(node.span);
      walk(node.children);
    }
  };
  for (const detail of details) walk(detail.spans);
  return spans.filter((span) => span.serviceName === 'keel-gateway');
}

beforeAll(async () => {
  upstream = await startFakeOpenAiServer();
  server = await startTestServer();
  keel = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
  const admin = gatewayAdmin(server.url, server.adminKey);
  await admin.configure({
    providers: [{ name: 'primary', type: 'openai-compatible', base_url: upstream.baseURL, api_key: 'sk-upstream' }],
    models: [{ name: 'smart', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
    retry: { attempts: 0, base_delay_ms: 1, max_delay_ms: 5 },
  });
  const teamA = await admin.createKey('team-a');
  const teamB = await admin.createKey('team-b');
  for (const text of ['one', 'two words', 'three more words']) await chat(teamA, text);
  await chat(teamB, 'four');
  // The project's own API key works on the gateway too: a call without a virtual key.
  await chat(server.adminKey, 'five');
  await server.server.services.gateway.flush();
});

afterAll(async () => {
  await server?.close();
  await upstream?.close();
});

describe('GET /api/v1/trace-metrics?groupBy=gateway_key', () => {
  it('answers count, tokens and exact latency percentiles per virtual key, from the spans the gateway wrote', async () => {
    const spans = await gatewaySpans();
    expect(spans.map((span) => span.gatewayKey).sort()).toEqual([null, 'team-a', 'team-a', 'team-a', 'team-b']);
    // The column is the raw attribute the gateway wrote.
    for (const span of spans) expect(span.gatewayKey).toBe((span.raw.attributes as Record<string, unknown>)['keel.gateway.key'] ?? null);

    const { from, to } = window();
    const answer = await callKeel(server.url, { method: 'GET', path: `/api/v1/trace-metrics?from=${from}&to=${to}&groupBy=gateway_key&serviceName=keel-gateway` }, server.adminKey);
    expect(answer.status, answer.text).toBe(200);
    const body = answer.json as { groupBy: string; rows: { group: string; count: number; inputTokens: number; latencyP50Ms: number; latencyP95Ms: number; latencyP99Ms: number }[] };
    expect(body.groupBy).toBe('gateway_key');
    expect(body.rows.map((row) => [row.group, row.count])).toEqual([['(none)', 1], ['team-a', 3], ['team-b', 1]]);
    for (const row of body.rows) {
      const mine = spans.filter((span) => (span.gatewayKey ?? '(none)') === row.group);
      const latencies = mine.map((span) => span.latencyMs);
      expect(row.inputTokens).toBe(mine.reduce((sum, span) => sum + (span.inputTokens ?? 0), 0));
      expect(row.latencyP50Ms).toBeCloseTo(exactPercentile(latencies, 0.5), 6);
      expect(row.latencyP95Ms).toBeCloseTo(exactPercentile(latencies, 0.95), 6);
      expect(row.latencyP99Ms).toBeCloseTo(exactPercentile(latencies, 0.99), 6);
    }
    // The SDK asks the same, typed.
    const viaSdk = await keel.traces.metrics({ from, to, groupBy: 'gateway_key', serviceName: 'keel-gateway' });
    expect(viaSdk).toEqual(body);
    // Another service's generations are not the gateway's.
    expect((await keel.traces.metrics({ from, to, groupBy: 'gateway_key', serviceName: 'support-bot' })).rows).toEqual([]);
  });

  it('refuses an unknown group, and the gateway key for cost totals (the daily sums do not carry it), in the one error shape', async () => {
    const { from, to } = window();
    for (const path of [
      `/api/v1/trace-metrics?from=${from}&to=${to}&groupBy=gateway_keys`,
      `/api/v1/trace-metrics?from=${from}&to=${to}&groupBy=key`,
      `/api/v1/trace-metrics?from=${from}&to=${to}&groupBy=gateway_key,model`,
      `/api/v1/trace-costs?from=${from}&to=${to}&groupBy=gateway_key`,
      `/api/v1/trace-costs?from=${from}&to=${to}&groupBy=model,gateway_key`,
    ]) {
      const answer = await callKeel(server.url, { method: 'GET', path }, server.adminKey);
      expect(answer.status, `${path}: ${answer.text}`).toBe(400);
      expect(answer.json, path).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: expect.stringMatching(/^Invalid request at 'groupBy(\.\d)?'/) as string,
        details: { issues: [expect.objectContaining({ path: expect.arrayContaining(['groupBy']) as string[] })] },
      });
    }
  });
});
