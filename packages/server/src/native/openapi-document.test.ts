import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@keel/testing';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

interface Operation {
  summary: string;
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema: { type?: string; properties?: Record<string, unknown>; required?: string[] } }> };
}

describe('GET /api/v1/openapi.json', () => {
  it('needs a key', async () => {
    const response = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(response.status).toBe(401);
  });

  it('describes every native route, generated from the request schemas', async () => {
    const response = await fetch(`${server.url}/api/v1/openapi.json`, { headers: { authorization: `Bearer ${server.adminKey}` } });
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, Operation>> };
    expect(document.openapi).toBe('3.1.0');
    const native = server.server.routes.filter((route) => route.api === 'native');
    expect(native.length).toBeGreaterThan(40);
    for (const route of native) {
      const path = route.url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{path}');
      const operation = document.paths[path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.url}`).toBeDefined();
      expect(operation?.summary).toBe(route.summary);
      const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      expect(operation?.parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name).sort()).toEqual([...pathParams].sort());
    }
    const createRun = document.paths['/api/v1/runs']?.post;
    const schema = createRun?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(schema?.properties ?? {})).toEqual(expect.arrayContaining(['experimentId', 'runName', 'startTime', 'tags']));
    const logBatch = document.paths['/api/v1/runs/{runId}/log']?.post?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(logBatch?.properties ?? {})).toEqual(['metrics', 'params', 'tags']);
    const upload = document.paths['/api/v1/runs/{runId}/artifacts/{path}']?.put?.requestBody?.content;
    expect(Object.keys(upload ?? {})).toEqual(['application/octet-stream']);
    const history = document.paths['/api/v1/runs/{runId}/metrics/{key}']?.get?.parameters.map((parameter) => parameter.name);
    expect(history).toEqual(expect.arrayContaining(['maxPoints', 'maxResults', 'pageToken']));
  });
});
