import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestServer, startTestServer } from '@keel/testing';
import { createKeelClient } from './create-keel-client.ts';
import { createTransport, type FetchLike } from './create-transport.ts';
import { createPromptsApi, type PromptsApi } from './prompts-api.ts';
import { createRetryPolicy } from './retry-policy.ts';

/** A fake server answering prompt GETs with the version it is told to, counting and optionally holding requests. */
function fakePromptServer() {
  let version = 1;
  let failing = false;
  let hold: Promise<void> | undefined;
  const requests: string[] = [];
  const fetch: FetchLike = async (input) => {
    requests.push(String(input));
    if (hold !== undefined) await hold;
    if (failing) throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    const body = { name: 'greet', version, type: 'text', template: `v${version}: Hello {{name}}`, variables: ['name'], config: {}, labels: ['latest'], commitMessage: '', createdBy: 'k', authorName: '', createdAt: 1 };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return {
    fetch,
    requests,
    setVersion: (next: number) => void (version = next),
    setFailing: (value: boolean) => void (failing = value),
    /** Holds every request until the returned function is called. */
    holdRequests: () => {
      let release = () => {};
      hold = new Promise<void>((resolve) => (release = resolve));
      return () => {
        hold = undefined;
        release();
      };
    },
  };
}

function cachedApi(server: ReturnType<typeof fakePromptServer>, clock: { now: number }): PromptsApi {
  const transport = createTransport({ baseUrl: 'http://keel.test', apiKey: 'k', fetch: server.fetch, retry: createRetryPolicy(false) });
  return createPromptsApi(transport, { now: () => clock.now });
}

/** Lets pending promise callbacks (a background refresh) run, without timers. */
const settle = async () => {
  for (let index = 0; index < 20; index += 1) await Promise.resolve();
  await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('prompts.get cache', () => {
  it('serves from the cache within the TTL, then stale while one background refresh runs', async () => {
    const server = fakePromptServer();
    const clock = { now: 1_000 };
    const api = cachedApi(server, clock);
    expect((await api.get('greet')).version).toBe(1);
    clock.now += 59_999;
    expect((await api.get('greet')).version).toBe(1);
    expect(server.requests.length).toBe(1);

    server.setVersion(2);
    clock.now += 1;
    const release = server.holdRequests();
    // Expired: the stale copy comes back at once, although the refresh has not answered.
    expect((await api.get('greet')).version).toBe(1);
    expect((await api.get('greet')).version).toBe(1);
    expect(server.requests.length).toBe(2);
    release();
    await settle();
    expect((await api.get('greet')).version).toBe(2);
    expect(server.requests.length).toBe(2);
  });

  it('keeps serving the cached copy, silently, while the server is unreachable', async () => {
    const server = fakePromptServer();
    const clock = { now: 0 };
    const api = cachedApi(server, clock);
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    await api.get('greet', { label: 'production' });
    server.setFailing(true);
    clock.now += 120_000;
    expect((await api.get('greet', { label: 'production' })).version).toBe(1);
    await settle();
    expect((await api.get('greet', { label: 'production' })).version).toBe(1);
    // After a failed refresh the server is left alone for a while, then asked again.
    expect(server.requests.length).toBe(2);
    clock.now += 5_000;
    server.setFailing(false);
    server.setVersion(3);
    expect((await api.get('greet', { label: 'production' })).version).toBe(1);
    await settle();
    expect((await api.get('greet', { label: 'production' })).version).toBe(3);
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    warn.mockRestore();
    error.mockRestore();
  });

  it('shares one request among concurrent misses of one key, and keys labels and versions apart', async () => {
    const server = fakePromptServer();
    const api = cachedApi(server, { now: 0 });
    const release = server.holdRequests();
    const gets = Promise.all([api.get('greet'), api.get('greet'), api.get('greet'), api.get('greet', { label: 'staging' }), api.get('greet', { version: 1 })]);
    await settle();
    release();
    const prompts = await gets;
    expect(prompts.map((prompt) => prompt.version)).toEqual([1, 1, 1, 1, 1]);
    expect(server.requests.map((url) => new URL(url).search)).toEqual(['', '?label=staging', '?version=1']);
  });

  it('fetches every time with cacheTtlMs 0, and fails a first fetch loudly', async () => {
    const server = fakePromptServer();
    const api = cachedApi(server, { now: 0 });
    await api.get('greet', { cacheTtlMs: 0 });
    await api.get('greet', { cacheTtlMs: 0 });
    expect(server.requests.length).toBe(2);
    server.setFailing(true);
    await expect(api.get('other')).rejects.toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE' });
    // A failed miss is not cached: the next call asks again.
    server.setFailing(false);
    expect((await api.get('other')).version).toBe(1);
  });
});

describe('compile', () => {
  it('fills text and chat prompts, ignores extra values and names missing ones', async () => {
    const server = fakePromptServer();
    const api = cachedApi(server, { now: 0 });
    const prompt = await api.get('greet');
    expect(prompt.compile({ name: 'Ada', extra: 'ignored' })).toBe('v1: Hello Ada');
    expect(() => prompt.compile({})).toThrow('Missing prompt variable: name');
    expect(() => prompt.compile()).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
  });
});

describe('prompts API against a server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates, labels, lists, diffs and compiles prompts', async () => {
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
    const first = await client.prompts.create({ name: 'sdk-chat', type: 'chat', messages: [{ role: 'system', content: 'You are {{persona}}.' }, { role: 'user', content: '{{question}}' }], variables: ['persona', 'question'], config: { model: 'gpt-4o' }, labels: ['production'], commitMessage: 'v1' });
    expect(first).toMatchObject({ version: 1, type: 'chat', labels: ['latest', 'production'] });
    await client.prompts.create({ name: 'sdk-chat', type: 'chat', messages: [{ role: 'user', content: '{{question}}' }], variables: ['question'] });
    const production = await client.prompts.get('sdk-chat', { label: 'production' });
    expect(production.type).toBe('chat');
    expect(production.compile({ persona: 'a pirate', question: 'Where is the gold?' })).toEqual([{ role: 'system', content: 'You are a pirate.' }, { role: 'user', content: 'Where is the gold?' }]);
    expect(() => production.compile({ question: 'q' })).toThrow('Missing prompt variable: persona');
    expect((await client.prompts.get('sdk-chat')).version).toBe(2);

    expect(await client.prompts.setLabel('sdk-chat', 'production', 2)).toEqual({ name: 'sdk-chat', label: 'production', version: 2, previousVersion: 1 });
    expect((await client.prompts.get('sdk-chat', { label: 'production', cacheTtlMs: 0 })).version).toBe(2);
    expect((await client.prompts.history('sdk-chat')).map((event) => [event.fromVersion, event.toVersion])).toEqual([[1, 2], [null, 1]]);
    expect((await client.prompts.list()).items.map((summary) => [summary.name, summary.latestVersion])).toEqual([['sdk-chat', 2]]);
    expect((await client.prompts.listVersions('sdk-chat')).items.map((version) => version.version)).toEqual([2, 1]);
    expect((await client.prompts.diff('sdk-chat', 1, 2)).variables).toEqual({ added: [], removed: ['persona'] });
    expect(await client.prompts.usage('sdk-chat', { from: new Date(0), to: '2100-01-01' })).toMatchObject({ name: 'sdk-chat', versions: [] });
    await client.prompts.deleteLabel('sdk-chat', 'production');
    await expect(client.prompts.get('sdk-chat', { label: 'production', cacheTtlMs: 0 })).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST', status: 404 });
    await expect(client.prompts.create({ name: 'sdk-bad', type: 'text', template: '{{a}}' })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('used but not declared: a') });
  });
});
