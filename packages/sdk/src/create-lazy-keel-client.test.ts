import { type TestServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeelClient } from './create-keel-client.ts';
import { createLazyKeelClient } from './create-lazy-keel-client.ts';
import { KeelApiError } from './keel-api-error.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('createLazyKeelClient', () => {
  it('answers as the eager client does, each group made on its first call', async () => {
    const sent: string[] = [];
    const fetch = (input: string | URL | Request, init?: RequestInit) => {
      sent.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
      return globalThis.fetch(input, init);
    };
    const lazy = createLazyKeelClient({ baseUrl: server.url, apiKey: server.adminKey, fetch });
    const eager = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
    expect(lazy.baseUrl).toBe(server.url);
    expect(sent).toEqual([]);

    const experiment = await lazy.experiments.create({ name: 'lazy-client', tags: { team: 'ui' } });
    const run = await lazy.runs.create({ experimentId: experiment.experimentId, runName: 'r1' });
    await lazy.runs.logBatch(run.info.runId, { metrics: [{ key: 'loss', value: Number.NaN, timestamp: 1, step: 0 }], params: { lr: '0.1' } });
    expect(await lazy.runs.get(run.info.runId)).toEqual(await eager.runs.get(run.info.runId));
    expect(await lazy.experiments.get(experiment.experimentId)).toEqual(await eager.experiments.get(experiment.experimentId));
    // Answers are parsed by the same code: NaN comes back a number, not the wire's string.
    expect((await lazy.runs.metricHistory(run.info.runId, 'loss')).items[0]?.value).toBeNaN();
    expect(await lazy.projects.list()).toEqual(await eager.projects.list());
    expect(sent).toEqual([
      'POST /api/v1/experiments', 'POST /api/v1/runs', `POST /api/v1/runs/${run.info.runId}/log`, `GET /api/v1/runs/${run.info.runId}`,
      `GET /api/v1/experiments/${experiment.experimentId}`, `GET /api/v1/runs/${run.info.runId}/metrics/loss`, 'GET /api/v1/projects',
    ]);
  });

  it('rejects with the server error, and with a TypeError for a method no group has', async () => {
    const lazy = createLazyKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
    const missing: unknown = await lazy.experiments.getByName('no-such-experiment').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(KeelApiError);
    expect((missing as KeelApiError).status).toBe(404);
    const runs = lazy.runs as unknown as Record<string, () => Promise<unknown>>;
    await expect(runs.noSuchMethod?.()).rejects.toThrow(/no method noSuchMethod/);
    // Once the group is made, its members are its own (the same functions every call).
    await lazy.runs.search({ experimentIds: ['0'] });
    expect(lazy.runs.get).toBe(lazy.runs.get);
  });

  it('checks its options at once, as createKeelClient does', () => {
    expect(() => createLazyKeelClient({ baseUrl: ' ', apiKey: 'k' })).toThrow(/baseUrl is required/);
    expect(() => createLazyKeelClient({ baseUrl: server.url, apiKey: '' })).toThrow(/apiKey is required/);
  });
});
