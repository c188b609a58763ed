import http from 'node:http';
import { type TestServer, callKeel, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ traceMaxRequests: 1 });
});
afterAll(() => server.close());

const body = JSON.stringify({ resourceSpans: [] });
const post = () => callKeel(server.url, { method: 'POST', path: '/v1/traces', rawBody: body, headers: { 'content-type': 'application/json' } }, server.adminKey);

describe('OTLP admission', () => {
  it('refuses a request past the in-progress limit with 503 and Retry-After, before reading it, and admits again once the slot frees', async () => {
    // A request whose body never finishes arriving holds the only slot.
    const url = new URL(server.url);
    const held = http.request({ host: url.hostname, port: url.port, method: 'POST', path: '/v1/traces', headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json', 'content-length': String(body.length) } });
    const heldAnswer = new Promise<number>((resolve, reject) => {
      held.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      held.on('error', reject);
    });
    held.write(body.slice(0, 5));
    held.flushHeaders();

    let refused = await post();
    // The held request may not have reached the handler yet; the first refusal proves it has.
    for (let attempt = 0; refused.status === 200 && attempt < 50; attempt += 1) refused = await post();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((refused.json as { error_code: string }).error_code).toBe('TEMPORARILY_UNAVAILABLE');

    held.end(body.slice(5));
    expect(await heldAnswer).toBe(200);
    expect((await post()).status).toBe(200);
  });
});
