import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresTestSchema, type FakeOpenAiServer, gatewayAdmin, type GatewayAdmin, parsePrometheusText, prometheusValue, type PostgresTestSchema, startFakeOpenAiServer, startTestServer, type TestServer } from '@keel/testing';

const postgresUrl = process.env.KEEL_TEST_POSTGRES_URL;
/** Both databases a second connection can share: a SQLite file (the test server's default) and PostgreSQL when one is given. */
const backends = [{ name: 'a SQLite file', postgres: false }, ...(postgresUrl === undefined ? [] : [{ name: 'PostgreSQL', postgres: true }])];

let server: TestServer;
let upstream: FakeOpenAiServer;
let admin: GatewayAdmin;
let key: string;

/** One chat call; its request id names its span. */
async function chat(text: string): Promise<string> {
  const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
  const { response } = await openai.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: text }] }).withResponse();
  return response.headers.get('x-request-id') ?? '';
}

/** The stored span of a request (input and output as stored), after the gateway's flush. */
async function storedSpanText(requestId: string): Promise<string> {
  await server.server.services.gateway.flush();
  const now = Date.now();
  const list = await admin.api('GET', `/api/v1/traces?from=${now - 3_600_000}&to=${now + 60_000}&limit=500`);
  for (const trace of (list.json as { items: { traceId: string }[] }).items) {
    const detail = JSON.stringify((await admin.api('GET', `/api/v1/traces/${trace.traceId}`)).json);
    if (detail.includes(requestId)) return detail;
  }
  throw new Error(`no span for ${requestId}`);
}

describe.each(backends)('gateway spans written by the span writer thread, on $name', ({ postgres }) => {
  let schema: PostgresTestSchema | undefined;

  beforeAll(async () => {
    upstream = await startFakeOpenAiServer();
    schema = postgres ? await createPostgresTestSchema(postgresUrl ?? '') : undefined;
    server = await startTestServer(schema === undefined ? {} : { databaseUrl: schema.url });
    admin = gatewayAdmin(server.url, server.adminKey);
    await admin.configure({
      providers: [{ name: 'primary', type: 'openai-compatible', base_url: upstream.baseURL, api_key: 'sk-upstream' }],
      models: [{ name: 'smart', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }],
    });
    key = await admin.createKey('writer');
  });

  afterAll(async () => {
    await server?.close();
    await upstream?.close();
    await schema?.drop();
  });

  it('are queryable after flush, masked with PII rules changed through the API a moment before', async () => {
    // The thread has read (and cached) the project's settings: no masking yet.
    expect(await storedSpanText(await chat('first call from someone@example.com'))).toContain('someone@example.com');

    const settings = await admin.api('PUT', '/api/v1/trace-settings', { retentionDays: null, pii: { detectors: ['email'], custom: [{ name: 'TICKET', pattern: 'TCK-[0-9]+' }] }, prices: [] });
    expect(settings.status).toBe(200);
    const text = await storedSpanText(await chat('ticket TCK-4711 from someone@example.com'));
    expect(text).toContain('ticket');
    expect(text).not.toContain('TCK-4711');
    expect(text).not.toContain('someone@example.com');

    // Written off the main thread: its own trace ingest wrote none of them.
    expect(server.server.services.traceIngest.stats().writtenSpans).toBe(0);
    const metrics = parsePrometheusText(await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.adminKey}` } })).text());
    expect(prometheusValue(metrics, 'keel_gateway_spans_written')).toBe(2);
    expect(prometheusValue(metrics, 'keel_gateway_spans_dropped')).toBe(0);
    expect(prometheusValue(metrics, 'keel_gateway_spans_pending')).toBe(0);
  });
});
