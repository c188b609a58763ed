import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@keel/testing';

/** The unauthenticated probes: MLflow clients ask /version before a script runs; load balancers ask /health. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('probes the client makes before the script runs', () => {
  it('GET /version answers a plain-text version below 3.4 and GET /health answers OK', async () => {
    const version = await fetch(`${server.url}/version`);
    expect(version.status).toBe(200);
    expect(version.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await version.text();
    expect(text).toMatch(/^\d+\.\d+\.\d+$/);
    const [major, minor] = text.split('.').map(Number) as [number, number];
    expect(major * 100 + minor).toBeLessThan(304);
    const health = await fetch(`${server.url}/health`);
    expect({ status: health.status, text: await health.text() }).toEqual({ status: 200, text: 'OK' });
  });
});
