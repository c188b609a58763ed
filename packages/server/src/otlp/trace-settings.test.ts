import { createKeelClient, type KeelClient } from '@keel/sdk';
import { type TestServer, callKeel, callKeelOk, openKeelHomeProbe, pollUntil, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let client: KeelClient;
beforeAll(async () => {
  server = await startTestServer({ retentionIntervalMs: 200 });
  client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
});
afterAll(() => server.close());

const hex = (length: number, seed: number) => seed.toString(16).padStart(length, '0');
const window = () => ({ from: Date.now() - 40 * 86_400_000, to: Date.now() + 3_600_000 });

/** One span as OTLP/JSON with string attributes, started `ageMs` ago. */
function exportSpan(traceId: string, attributes: Record<string, string | number>, ageMs = 0) {
  const start = BigInt(Date.now() - ageMs) * 1_000_000n;
  const body = {
    resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'settings-test' }, spans: [{
      traceId, spanId: hex(16, 1), name: 'chat', kind: 3, startTimeUnixNano: String(start), endTimeUnixNano: String(start + 2_000_000n), status: {},
      attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: typeof value === 'number' ? { intValue: value } : { stringValue: value } })),
    }] }] }],
  };
  return callKeelOk(server.url, { method: 'POST', path: '/v1/traces', rawBody: JSON.stringify(body), headers: { 'content-type': 'application/json' } }, server.adminKey);
}

const put = (body: unknown) => callKeel(server.url, { method: 'PUT', path: '/api/v1/trace-settings', body }, server.adminKey);

describe('per-project trace settings', () => {
  it('masks PII before anything is written, raw attributes included', async () => {
    expect((await put({ retentionDays: null, pii: { detectors: ['email', 'credit_card', 'iban'], custom: [{ name: 'employee id', pattern: 'EMP-[0-9]{5}' }] }, prices: [] })).status).toBe(200);
    const traceId = hex(32, 0xa11ce);
    const secret = 'Mail jane.doe@example.com, card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32, badge EMP-12345; not a card: 4111 1111 1111 1112';
    await exportSpan(traceId, { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: secret }] }]) });
    const detail = await client.traces.get(traceId);
    const span = detail.spans[0]!.span;
    const expected = 'Mail <EMAIL>, card <CREDIT_CARD>, IBAN <IBAN>, badge <EMPLOYEE_ID>; not a card: 4111 1111 1111 1112';
    expect(span.input).toEqual([{ role: 'user', content: expected }]);
    expect(JSON.stringify(span.raw)).not.toContain('jane.doe');
    // Nowhere in the database file either.
    const probe = openKeelHomeProbe(server.home);
    try {
      expect(JSON.stringify(probe.snapshot().tables)).not.toContain('jane.doe@example.com');
    } finally {
      probe.close();
    }
  });

  it('sums cost per model per day', async () => {
    expect((await put({ retentionDays: null, pii: { detectors: [], custom: [] }, prices: [{ pattern: 'costs-test-model', input: 2, output: 4 }] })).status).toBe(200);
    await exportSpan(hex(32, 0xc0c0), { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'costs-test-model', 'gen_ai.usage.input_tokens': 500_000, 'gen_ai.usage.output_tokens': 250_000 });
    await exportSpan(hex(32, 0xc0c1), { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'costs-test-model', 'gen_ai.usage.input_tokens': 500_000, 'gen_ai.usage.output_tokens': 250_000 });
    const answer = await client.traces.costs({ ...window(), groupBy: ['model', 'day'], model: 'costs-test-model' });
    expect(answer).toEqual({ groupBy: ['model', 'day'], rows: [{ groups: ['costs-test-model', new Date().toISOString().slice(0, 10)], count: 2, inputTokens: 1_000_000, outputTokens: 500_000, cost: 4 }] });
  });

  it('prices with a project override before the shipped table', async () => {
    expect((await put({ retentionDays: null, pii: { detectors: [], custom: [] }, prices: [{ pattern: 'gpt-4o', input: 1, output: 2 }] })).status).toBe(200);
    const traceId = hex(32, 0xc057);
    await exportSpan(traceId, { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 1_000_000, 'gen_ai.usage.output_tokens': 1_000_000 });
    expect((await client.traces.get(traceId)).trace.cost).toBeCloseTo(3, 9);
  });

  it('refuses unsafe or invalid settings with 400 and keeps the old ones', async () => {
    const before = await callKeelOk(server.url, { method: 'GET', path: '/api/v1/trace-settings' }, server.adminKey);
    for (const bad of [
      { retentionDays: null, pii: { detectors: [], custom: [{ name: 'evil', pattern: '(a+)+$' }] }, prices: [] },
      { retentionDays: null, pii: { detectors: [], custom: [{ name: 'empty', pattern: 'x*' }] }, prices: [] },
      { retentionDays: null, pii: { detectors: [], custom: [] }, prices: [{ pattern: '(', input: 1, output: 1 }] },
      { retentionDays: 0, pii: { detectors: [], custom: [] }, prices: [] },
      { retentionDays: null, pii: { detectors: ['ssn'], custom: [] }, prices: [] },
    ]) {
      const answer = await put(bad);
      expect(answer.status, answer.text).toBe(400);
      expect((answer.json as { error_code: string }).error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    expect(await callKeelOk(server.url, { method: 'GET', path: '/api/v1/trace-settings' }, server.adminKey)).toEqual(before);
  });

  it('deletes spans older than the retention time in the background, and keeps newer ones', async () => {
    const old = hex(32, 0x01d);
    const fresh = hex(32, 0xf4e5);
    await exportSpan(old, { 'gen_ai.operation.name': 'chat' }, 10 * 86_400_000);
    await exportSpan(fresh, { 'gen_ai.operation.name': 'chat' }, 86_400_000);
    expect((await client.traces.list({ ...window() })).items.map((trace) => trace.traceId)).toEqual(expect.arrayContaining([old, fresh]));
    expect((await put({ retentionDays: 7, pii: { detectors: [], custom: [] }, prices: [] })).status).toBe(200);
    await pollUntil('the retention job', async () => ((await callKeel(server.url, { method: 'GET', path: `/api/v1/traces/${old}` }, server.adminKey)).status === 404 ? true : undefined));
    const left = (await client.traces.list({ ...window() })).items.map((trace) => trace.traceId);
    expect(left).toContain(fresh);
    expect(left).not.toContain(old);
  });
});

describe('trace route bad input', () => {
  it('requires a time window and checks ids, windows and filters', async () => {
    for (const path of ['/api/v1/traces', '/api/v1/traces?from=1', '/api/v1/traces?from=10&to=5', '/api/v1/traces?from=yesterday&to=1', '/api/v1/traces?from=1&to=2&status=broken', '/api/v1/traces?from=1&to=2&limit=0', '/api/v1/traces/not-hex', '/api/v1/trace-metrics?from=1&to=2&groupBy=color', '/api/v1/sessions', '/api/v1/trace-costs?from=1&to=2&groupBy=model,model', '/api/v1/trace-costs?from=1&to=2&groupBy=model,day,user', '/api/v1/trace-costs?from=1&to=2']) {
      const answer = await callKeel(server.url, { method: 'GET', path }, server.adminKey);
      expect(answer.status, `${path}: ${answer.text}`).toBe(400);
    }
    const missing = await callKeel(server.url, { method: 'GET', path: `/api/v1/traces/${hex(32, 0xdead)}` }, server.adminKey);
    expect(missing.status).toBe(404);
    const score = await callKeel(server.url, { method: 'POST', path: `/api/v1/traces/${hex(32, 0xdead)}/scores`, body: { name: 'x', dataType: 'numeric', value: 1 } }, server.adminKey);
    expect(score.status).toBe(404);
    const wrongType = await callKeel(server.url, { method: 'POST', path: `/api/v1/traces/${hex(32, 0xa11ce)}/scores`, body: { name: 'x', dataType: 'numeric', value: 'high' } }, server.adminKey);
    expect(wrongType.status).toBe(400);
  });
});

