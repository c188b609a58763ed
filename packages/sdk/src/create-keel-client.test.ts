import { type TestServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeelClient } from './create-keel-client.ts';
import { KeelApiError } from './keel-api-error.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const noWait = { baseDelayMs: 1, maxDelayMs: 5 };

/** A fetch that answers the first `failures` calls itself and passes the rest to the real server. */
function flakyFetch(failures: number, answer: () => Response | Promise<Response>) {
  const calls: string[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push(`${init?.method ?? 'GET'} ${String(input)}`);
    if (calls.length <= failures) return answer();
    return globalThis.fetch(input, init);
  };
  return { fetch, calls };
}

async function failure(promise: Promise<unknown>): Promise<KeelApiError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(KeelApiError);
  return error as KeelApiError;
}

describe('createKeelClient', () => {
  it('creates, finds, renames, tags, deletes and restores experiments', async () => {
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
    const created = await client.experiments.create({ name: 'client-crud', tags: { team: 'vision' } });
    expect(created.name).toBe('client-crud');
    expect(created.tags).toEqual([{ key: 'team', value: 'vision' }]);
    expect((await client.experiments.get(created.experimentId)).name).toBe('client-crud');
    expect((await client.experiments.getByName('client-crud')).experimentId).toBe(created.experimentId);

    const renamed = await client.experiments.rename(created.experimentId, 'client-crud-2');
    expect(renamed.name).toBe('client-crud-2');
    const tagged = await client.experiments.setTag(created.experimentId, 'stage', 'dev');
    expect(tagged.tags).toContainEqual({ key: 'stage', value: 'dev' });

    expect((await client.experiments.delete(created.experimentId)).lifecycleStage).toBe('deleted');
    const active = await client.experiments.search({ filter: "name = 'client-crud-2'" });
    expect(active.items).toHaveLength(0);
    const deleted = await client.experiments.search({ filter: "name = 'client-crud-2'", viewType: 'DELETED_ONLY' });
    expect(deleted.items.map((item) => item.experimentId)).toEqual([created.experimentId]);
    expect((await client.experiments.restore(created.experimentId)).lifecycleStage).toBe('active');
  });

  it('throws KeelApiError with the server error code and status', async () => {
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
    const missing = await failure(client.experiments.getByName('no-such-experiment'));
    expect(missing).toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST', status: 404, retryable: false });
    expect(missing.message).toContain('no-such-experiment');

    await client.experiments.create({ name: 'twice' });
    expect(await failure(client.experiments.create({ name: 'twice' }))).toMatchObject({ code: 'ALREADY_EXISTS', status: 409 });

    const stranger = createKeelClient({ baseUrl: server.url, apiKey: 'keel_not_a_real_key' });
    expect(await failure(stranger.experiments.search())).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('retries a 503 and then succeeds', async () => {
    const flaky = flakyFetch(1, () => Response.json({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'restarting' }, { status: 503 }));
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, fetch: flaky.fetch, retry: noWait });
    const experiment = await client.experiments.create({ name: 'after-a-503' });
    expect(experiment.name).toBe('after-a-503');
    expect(flaky.calls).toEqual([`POST ${server.url}/api/v1/experiments`, `POST ${server.url}/api/v1/experiments`]);
  });

  it('retries network failures and non-JSON gateway answers', async () => {
    const refused = flakyFetch(1, () => Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) })));
    const first = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, fetch: refused.fetch, retry: noWait });
    expect((await first.experiments.search()).items.length).toBeGreaterThan(0);
    expect(refused.calls).toHaveLength(2);

    const gateway = flakyFetch(2, () => new Response('<html>Bad Gateway</html>', { status: 502 }));
    const second = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, fetch: gateway.fetch, retry: noWait });
    expect((await second.experiments.search()).items.length).toBeGreaterThan(0);
    expect(gateway.calls).toHaveLength(3);
  });

  it('does not repeat a create whose outcome is unknown, but repeats idempotent writes', async () => {
    const gateway = flakyFetch(1, () => new Response('<html>Bad Gateway</html>', { status: 502 }));
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, fetch: gateway.fetch, retry: noWait });
    expect(await failure(client.experiments.create({ name: 'maybe-created' }))).toMatchObject({ status: 502 });
    expect(gateway.calls).toHaveLength(1);

    const reset = flakyFetch(1, () => Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) })));
    const afterReset = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, fetch: reset.fetch, retry: noWait });
    expect(await failure(afterReset.experiments.create({ name: 'maybe-created-too' }))).toMatchObject({ status: 0, code: 'TEMPORARILY_UNAVAILABLE' });
    expect(reset.calls).toHaveLength(1);

    const direct = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, retry: noWait });
    const experiment = await direct.experiments.create({ name: 'idempotent-writes' });
    const run = await direct.runs.create({ experimentId: experiment.experimentId });
    const flaky = flakyFetch(1, () => new Response('<html>Bad Gateway</html>', { status: 502 }));
    const logger = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, fetch: flaky.fetch, retry: noWait });
    await logger.runs.logBatch(run.info.runId, { metrics: [{ key: 'loss', value: 0.5, timestamp: 1, step: 0 }] });
    expect(flaky.calls).toHaveLength(2);
    expect((await direct.runs.get(run.info.runId)).data.metrics).toEqual([{ key: 'loss', value: 0.5, timestamp: 1, step: 0 }]);
  });

  it('does not retry a 400, and gives up on transient failures after maxAttempts', async () => {
    const counted = flakyFetch(0, () => new Response());
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, fetch: counted.fetch, retry: noWait });
    const invalid = await failure(client.experiments.create({ name: '' }));
    expect(invalid).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', status: 400, retryable: false });
    expect(counted.calls).toHaveLength(1);

    const down = flakyFetch(100, () => new Response('', { status: 503 }));
    const stubborn = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, fetch: down.fetch, retry: { ...noWait, maxAttempts: 3 } });
    expect(await failure(stubborn.experiments.search())).toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE', status: 503, retryable: true });
    expect(down.calls).toHaveLength(3);
  });

  it('waits with growing, jittered delays between tries', async () => {
    const waits: number[] = [];
    const down = flakyFetch(100, () => new Response('', { status: 503 }));
    const client = createKeelClient({
      baseUrl: server.url,
      apiKey: server.adminKey,
      fetch: down.fetch,
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250, random: () => 1, sleep: async (ms) => void waits.push(ms) },
    });
    await failure(client.experiments.search());
    expect(waits).toEqual([100, 200, 250]);
  });

  it('reports an unreachable server with status 0', async () => {
    const client = createKeelClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'anything', retry: false });
    const error = await failure(client.projects.list());
    expect(error).toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE', status: 0, retryable: true });
    expect(error.message).toContain('Cannot reach Keel at http://127.0.0.1:1');
  });

  it('rejects an answer that does not match the wire schema', async () => {
    const fetch = async () => Response.json({ experimentId: 42 });
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, fetch });
    const error = await failure(client.experiments.get('1'));
    expect(error).toMatchObject({ code: 'INTERNAL_ERROR', retryable: false });
    expect(error.message).toContain('GET /api/v1/experiments/1');
  });

  it('acts in another project with the instance administrator key', async () => {
    const admin = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
    const created = await admin.projects.create('team-a');
    expect(created.project.name).toBe('team-a');
    expect(created.adminKey.secret).not.toBe('');
    expect((await admin.projects.list()).map((project) => project.name)).toEqual(expect.arrayContaining(['default', 'team-a']));

    const inTeam = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, project: 'team-a' });
    await inTeam.experiments.create({ name: 'only-in-team-a' });
    const teamKey = createKeelClient({ baseUrl: server.url, apiKey: created.adminKey.secret });
    expect((await teamKey.experiments.getByName('only-in-team-a')).name).toBe('only-in-team-a');
    expect(await failure(admin.experiments.getByName('only-in-team-a'))).toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    expect(await failure(teamKey.projects.create('team-b'))).toMatchObject({ code: 'PERMISSION_DENIED', status: 403 });
  });

  it('creates, lists and revokes keys', async () => {
    const admin = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
    const created = await admin.keys.create({ role: 'read', name: 'dashboards' });
    expect(created.key).toMatchObject({ name: 'dashboards', role: 'read', projectName: 'default', revokedAt: null });
    const reader = createKeelClient({ baseUrl: server.url, apiKey: created.secret });
    expect((await reader.experiments.search()).items.length).toBeGreaterThan(0);
    expect(await failure(reader.experiments.create({ name: 'not-allowed' }))).toMatchObject({ code: 'PERMISSION_DENIED' });

    expect((await admin.keys.list()).map((key) => key.id)).toContain(created.key.id);
    await admin.keys.revoke(created.key.id);
    expect((await admin.keys.list()).find((key) => key.id === created.key.id)?.revokedAt).toEqual(expect.any(Number));
    expect(await failure(reader.experiments.search())).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await failure(admin.keys.revoke(created.key.id))).toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });
});
