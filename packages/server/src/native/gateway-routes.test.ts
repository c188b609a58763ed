import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callKeel, callKeelOk, type DatabaseProbe, type KeelRequest, type KeelResponse, openDatabaseProbe, pollUntil, startTestServer, type TestServer } from '@keel/testing';

/**
 * Gateway configuration over HTTP on a real server: documents with sealed credentials, virtual keys,
 * usage, a project managed by keel.config.yaml, and bad input (a 4xx naming the field, nothing stored).
 */

let server: TestServer;
let probe: DatabaseProbe;
let admin: string;
let read: string;
let configFile: string;

const providerSecret = 'sk-provider-PLAINTEXT-7f3a9c';
const fileKeySecret = 'keel-file-key-PLAINTEXT-1b2c';
const fileProviderSecret = 'sk-file-provider-PLAINTEXT-4d5e';

const get = (path: string, query?: Record<string, string>): KeelRequest => (query === undefined ? { method: 'GET', path } : { method: 'GET', path, query });
const put = (path: string, body: unknown, headers?: Record<string, string>): KeelRequest => (headers === undefined ? { method: 'PUT', path, body } : { method: 'PUT', path, body, headers });
const post = (path: string, body: unknown): KeelRequest => ({ method: 'POST', path, body });
const remove = (path: string): KeelRequest => ({ method: 'DELETE', path });
const errorOf = (answer: KeelResponse) => ({ status: answer.status, code: (answer.json as { error_code?: string } | undefined)?.error_code, message: (answer.json as { message?: string } | undefined)?.message ?? '' });

const fileYaml = (model: string) => `
projects:
  default:
    gateway:
      providers:
        - name: openai
          type: openai
          api_key: ${fileProviderSecret}
      models:
        - name: chat
          targets: [{ provider: openai, model: ${model} }]
      keys:
        - name: ci
          secret: ${fileKeySecret}
  not-created-yet:
    gateway: {}
`;

const document = (apiKey: unknown = providerSecret) => ({
  providers: [
    { name: 'openai', type: 'openai', api_key: apiKey },
    { name: 'local', type: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1', api_key: { env: 'LOCAL_KEY' } },
  ],
  models: [{ name: 'chat', targets: [{ provider: 'openai', model: 'gpt-4o' }, { provider: 'local', model: 'llama', weight: 0 }] }],
});

const apiProjectId = async (): Promise<number> =>
  (await callKeelOk<{ items: { id: number; name: string }[] }>(server.url, get('/api/v1/projects'), server.adminKey)).items.find((project) => project.name === 'gw-api')?.id ?? -1;

/** Every byte of the SQLite database and its WAL, as latin1 text. */
function databaseBytes(): string {
  return readdirSync(server.home)
    .filter((name) => name.startsWith('keel.db'))
    .map((name) => readFileSync(path.join(server.home, name)).toString('latin1'))
    .join('\n');
}

/** Runs `send` and checks that no row of any table changed. */
async function expectNothingStored(send: () => Promise<KeelResponse>): Promise<KeelResponse> {
  await server.settle();
  const counts = probe.counts();
  const digest = probe.digest();
  const answer = await send();
  expect(probe.counts()).toEqual(counts);
  expect(probe.digest()).toBe(digest);
  return answer;
}

beforeAll(async () => {
  server = await startTestServer({
    env: { LOCAL_KEY: 'sk-local-from-env' },
    prepareHome: async (home) => {
      configFile = path.join(home, 'keel.config.yaml');
      await writeFile(configFile, fileYaml('gpt-4o-mini'));
    },
  });
  probe = openDatabaseProbe(server.home);
  const created = await callKeelOk<{ adminKey: { secret: string } }>(server.url, post('/api/v1/projects', { name: 'gw-api' }), server.adminKey);
  admin = created.adminKey.secret;
  read = (await callKeelOk<{ secret: string }>(server.url, post('/api/v1/keys', { name: 'gw-reader', role: 'read' }), admin)).secret;
});
afterAll(async () => {
  probe?.close();
  await server?.close();
});

describe('gateway configuration', () => {
  it('stores a document with its credential sealed, and never answers or stores the plain value', async () => {
    const empty = await callKeelOk<{ source: string; version: number }>(server.url, get('/api/v1/gateway/config'), read);
    expect(empty).toMatchObject({ source: 'none', version: 0 });
    const written = await callKeel(server.url, put('/api/v1/gateway/config', document()), admin);
    expect(written.status, written.text).toBe(200);
    expect(written.headers.get('etag')).toBe('"1"');
    expect(written.json).toMatchObject({ source: 'database', version: 1, config: { providers: [{ name: 'openai', api_key: { redacted: true } }, { name: 'local', api_key: { env: 'LOCAL_KEY' } }] } });
    const readBack = await callKeel(server.url, get('/api/v1/gateway/config'), read);
    expect(readBack.json).toEqual(written.json);
    for (const answer of [written, readBack, await callKeel(server.url, get('/api/v1/gateway/keys'), read)]) expect(answer.text).not.toContain(providerSecret);
    // The gateway gets the plain value; the database holds only the sealed one.
    const resolved = await server.server.services.gatewayConfig.get(await apiProjectId());
    expect(resolved?.providers.map((provider) => provider.api_key)).toEqual([providerSecret, 'sk-local-from-env']);
    expect(databaseBytes()).not.toContain(providerSecret);
    expect(databaseBytes()).not.toContain('PLAINTEXT');
  });

  it('keeps the stored credential when a read document is written back, and guards against lost updates', async () => {
    const current = await callKeelOk<{ version: number; config: Record<string, unknown> }>(server.url, get('/api/v1/gateway/config'), admin);
    const edited = { ...current.config, record_bodies: false };
    const stale = await expectNothingStored(() => callKeel(server.url, put('/api/v1/gateway/config', edited, { 'if-match': `"${current.version + 5}"` }), admin));
    expect(errorOf(stale)).toMatchObject({ status: 409, code: 'RESOURCE_CONFLICT' });
    const staleQuery = await expectNothingStored(() => callKeel(server.url, { ...put('/api/v1/gateway/config', edited), query: { expected_version: '0' } }, admin));
    expect(errorOf(staleQuery)).toMatchObject({ status: 409, code: 'RESOURCE_CONFLICT' });
    const written = await callKeel(server.url, put('/api/v1/gateway/config', edited, { 'if-match': `"${current.version}"` }), admin);
    expect(written.status, written.text).toBe(200);
    expect(written.json).toMatchObject({ version: current.version + 1, config: { record_bodies: false } });
    const projectId = await apiProjectId();
    expect((await server.server.services.gatewayConfig.get(projectId))?.providers[0]?.api_key).toBe(providerSecret);
  });

  it('answers bad documents with a 400 that names the field, and stores nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...document(), models: [{ name: 'chat', targets: [{ provider: 'openai', model: 'a' }, { provider: 'x', model: 'b' }] }] }, /models\[0\]\.targets\[1\]\.provider: no provider named 'x'/],
      [{ ...document(), providers: [{ name: 'openai', type: 'openai', timeout_ms: 'soon' }] }, /providers\[0\]\.timeout_ms/],
      [{ providers: [{ name: 'p', type: 'openai', api_key: { redacted: true } }] }, /providers\[0\]\.api_key: provider 'p' has no stored credential/],
      [{ keys: [{ name: 'k', secret: 'keel-vk-chosen' }] }, /keys\[0\]\.secret/],
      [{ colour: 'blue' }, /Unrecognized key.*colour/],
      [{ cache: { semantic: { enabled: true } } }, /cache\.semantic\.embedding_model/],
    ];
    for (const [body, message] of cases) {
      const answer = await expectNothingStored(() => callKeel(server.url, put('/api/v1/gateway/config', body), admin));
      expect(errorOf(answer), answer.text).toMatchObject({ status: 400, code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(message) });
    }
    for (const request of [
      put('/api/v1/gateway/config', [document()]),
      put('/api/v1/gateway/config', 'a string'),
      { method: 'PUT' as const, path: '/api/v1/gateway/config', rawBody: '{"providers": [', headers: { 'content-type': 'application/json' } },
      put('/api/v1/gateway/config', document(), { 'if-match': 'yesterday' }),
      { ...put('/api/v1/gateway/config', document()), query: { expected_version: 'two' } },
    ]) {
      const answer = await expectNothingStored(() => callKeel(server.url, request, admin));
      expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
      expect(answer.status, answer.text).toBeLessThan(500);
      expect(answer.json).toMatchObject({ error_code: expect.any(String), message: expect.any(String) });
    }
    expect(databaseBytes()).not.toContain('keel-vk-chosen');
  });
});

describe('virtual keys', () => {
  it('issues a key whose secret is answered once, lists it without the secret, and revokes it', async () => {
    const created = await callKeel(server.url, post('/api/v1/gateway/keys', { name: 'team-a', models: ['chat'], limits: { rpm: 60, budget_usd_day: 5 } }), admin);
    expect(created.status, created.text).toBe(201);
    const { secret, key } = created.json as { secret: string; key: { prefix: string } };
    expect(secret).toMatch(/^keel-vk-/);
    expect(key).toMatchObject({ name: 'team-a', source: 'api', prefix: secret.slice(0, 14), revoked_at: null, models: ['chat'], limits: { rpm: 60, budget_usd_day: 5 } });
    const listed = await callKeel(server.url, get('/api/v1/gateway/keys'), read);
    expect(listed.json).toEqual({ keys: [key] });
    expect(listed.text).not.toContain(secret);
    expect((await callKeel(server.url, get('/api/v1/gateway/config'), read)).text).not.toContain(secret);
    expect(databaseBytes()).not.toContain(secret);
    expect(await server.server.services.gatewayConfig.authenticate(secret)).toMatchObject({ projectName: 'gw-api', keyName: 'team-a' });

    const duplicate = await expectNothingStored(() => callKeel(server.url, post('/api/v1/gateway/keys', { name: 'team-a' }), admin));
    expect(errorOf(duplicate)).toMatchObject({ status: 409, code: 'ALREADY_EXISTS' });
    for (const body of [{ name: 'bad name!' }, { name: 'x', limits: { rpm: -1 } }, { name: 'x', secret: 'mine' }, { models: ['chat'] }]) {
      const bad = await expectNothingStored(() => callKeel(server.url, post('/api/v1/gateway/keys', body), admin));
      expect(errorOf(bad), bad.text).toMatchObject({ status: 400, code: 'INVALID_PARAMETER_VALUE' });
    }

    const revoked = await callKeel(server.url, remove('/api/v1/gateway/keys/team-a'), admin);
    expect(revoked.json).toEqual({ revoked: 'team-a' });
    expect(await server.server.services.gatewayConfig.authenticate(secret)).toBeNull();
    const again = await expectNothingStored(() => callKeel(server.url, remove('/api/v1/gateway/keys/team-a'), admin));
    expect(errorOf(again)).toMatchObject({ status: 404, code: 'RESOURCE_DOES_NOT_EXIST' });
    const listedAfter = await callKeelOk<{ keys: { revoked_at: number | null }[] }>(server.url, get('/api/v1/gateway/keys'), read);
    expect(listedAfter.keys[0]?.revoked_at).toEqual(expect.any(Number));
  });
});

describe('usage', () => {
  it('sums recorded usage by the dimensions asked for, with costs in USD', async () => {
    const usage = server.server.services.gatewayUsage;
    const projectId = await apiProjectId();
    const at = Date.parse('2024-05-01T12:00:00Z');
    const base = { projectId, requests: 1, errors: 0, cacheHits: 0, inputTokens: 100, outputTokens: 20, estimatedRequests: 0, costMicros: 1_500 };
    usage.record({ ...base, keyName: 'team-a', model: 'chat', atMs: at });
    usage.record({ ...base, keyName: 'team-a', model: 'chat', atMs: at, errors: 1 });
    usage.record({ ...base, keyName: 'team-b', model: 'chat', atMs: at + 86_400_000, cacheHits: 1, costMicros: 0 });
    usage.record({ ...base, keyName: '', model: 'embed', atMs: at, estimatedRequests: 1 });
    const window = { from: '2024-05-01', to: '2024-05-02' };
    const byKey = await callKeel(server.url, get('/api/v1/gateway/usage', { ...window, group_by: 'key' }), read);
    expect(byKey.status, byKey.text).toBe(200);
    expect(byKey.json).toEqual({
      from: '2024-05-01', to: '2024-05-02', group_by: ['key'],
      rows: [
        { key: '', requests: 1, errors: 0, cache_hits: 0, input_tokens: 100, output_tokens: 20, estimated_requests: 1, cost_usd: 0.0015 },
        { key: 'team-a', requests: 2, errors: 1, cache_hits: 0, input_tokens: 200, output_tokens: 40, estimated_requests: 0, cost_usd: 0.003 },
        { key: 'team-b', requests: 1, errors: 0, cache_hits: 1, input_tokens: 100, output_tokens: 20, estimated_requests: 0, cost_usd: 0 },
      ],
      totals: { requests: 4, errors: 1, cache_hits: 1, input_tokens: 400, output_tokens: 80, estimated_requests: 1, cost_usd: 0.0045 },
    });
    const byDayModel = await callKeelOk<{ rows: unknown[] }>(server.url, get('/api/v1/gateway/usage', { ...window, group_by: 'model,day', key: 'team-a' }), read);
    expect(byDayModel.rows).toEqual([{ day: '2024-05-01', model: 'chat', requests: 2, errors: 1, cache_hits: 0, input_tokens: 200, output_tokens: 40, estimated_requests: 0, cost_usd: 0.003 }]);
    // Another project sees none of it.
    const other = await callKeelOk<{ rows: unknown[] }>(server.url, get('/api/v1/gateway/usage', { ...window, group_by: 'key' }), server.adminKey);
    expect(other.rows).toEqual([]);
    const badQueries: Record<string, string>[] = [{ group_by: 'user' }, { from: '2024-13-01' }, { from: '2024-05-03', to: '2024-05-01' }, { to: 'yesterday' }, { from: '2024-02-30' }];
    for (const query of badQueries) {
      const bad = await expectNothingStored(() => callKeel(server.url, get('/api/v1/gateway/usage', query), read));
      expect(errorOf(bad), bad.text).toMatchObject({ status: 400, code: 'INVALID_PARAMETER_VALUE' });
    }
  });
});

describe('a project managed by keel.config.yaml', () => {
  it('is served from the file, refuses changes through the API naming the file, and accepts the file\'s keys', async () => {
    const answer = await callKeel(server.url, get('/api/v1/gateway/config'), server.adminKey);
    expect(answer.json).toMatchObject({ source: 'file', file: configFile, config: { providers: [{ name: 'openai', api_key: { redacted: true } }], keys: [{ name: 'ci', secret: { redacted: true } }] } });
    expect(answer.text).not.toContain(fileProviderSecret);
    expect(answer.text).not.toContain(fileKeySecret);
    for (const request of [put('/api/v1/gateway/config', document()), post('/api/v1/gateway/keys', { name: 'x' }), remove('/api/v1/gateway/keys/ci')]) {
      const refused = await expectNothingStored(() => callKeel(server.url, request, server.adminKey));
      expect(errorOf(refused)).toMatchObject({ status: 409, code: 'RESOURCE_CONFLICT', message: expect.stringContaining(configFile) });
    }
    const keys = await callKeel(server.url, get('/api/v1/gateway/keys'), server.adminKey);
    expect(keys.json).toEqual({ keys: [{ name: 'ci', source: 'file', prefix: null, created_at: null, revoked_at: null }] });
    expect(await server.server.services.gatewayConfig.authenticate(fileKeySecret)).toMatchObject({ projectName: 'default', keyName: 'ci' });
    expect(databaseBytes()).not.toContain('PLAINTEXT');
  });

  it('is reloaded when the file changes, and keeps the old configuration over an invalid edit', async () => {
    const modelOf = async () => ((await callKeelOk<{ config: { models: { targets: { model: string }[] }[] } }>(server.url, get('/api/v1/gateway/config'), server.adminKey)).config.models[0]?.targets[0]?.model);
    expect(await modelOf()).toBe('gpt-4o-mini');
    await writeFile(configFile, fileYaml('gpt-4o').replace('provider: openai', 'provider: nobody'));
    await writeFile(configFile, fileYaml('gpt-4.1'));
    await pollUntil('the edited config file to be served', async () => ((await modelOf()) === 'gpt-4.1' ? true : undefined), { intervalMs: 20 });
    // An invalid edit: the file stays as last read; a valid one after it is taken.
    await writeFile(configFile, fileYaml('gpt-5').replace('provider: openai', 'provider: nobody'));
    expect(await modelOf()).toBe('gpt-4.1');
    await writeFile(configFile, fileYaml('o3'));
    await pollUntil('the fixed config file to be served', async () => ((await modelOf()) === 'o3' ? true : undefined), { intervalMs: 20 });
  });
});
