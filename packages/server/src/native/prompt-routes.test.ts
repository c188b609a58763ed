import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callKeel, callKeelOk, type KeelRequest, type KeelResponse, startTestServer, type TestServer } from '@keel/testing';

/** The prompt registry over HTTP: versions, labels, history, diff, usage, and the answers to bad input. */

let server: TestServer;
let keys: { admin: string; write: string; read: string; otherProject: string };
let writeKeyId: string;

const post = (path: string, body: unknown): KeelRequest => ({ method: 'POST', path, body });
const get = (path: string, query?: Record<string, string>): KeelRequest => (query === undefined ? { method: 'GET', path } : { method: 'GET', path, query });
const put = (path: string, body: unknown): KeelRequest => ({ method: 'PUT', path, body });
const remove = (path: string): KeelRequest => ({ method: 'DELETE', path });
const errorOf = (answer: KeelResponse) => ({ status: answer.status, code: (answer.json as { error_code?: string } | undefined)?.error_code, message: (answer.json as { message?: string } | undefined)?.message });
const prompt = (name: string, rest = '') => `/api/v1/prompts/${encodeURIComponent(name)}${rest}`;

async function newProject(name: string): Promise<{ admin: string; write: string; read: string; writeKeyId: string }> {
  const created = await callKeelOk<{ adminKey: { secret: string } }>(server.url, post('/api/v1/projects', { name }), server.adminKey);
  const admin = created.adminKey.secret;
  const key = (role: string) => callKeelOk<{ key: { id: string }; secret: string }>(server.url, post('/api/v1/keys', { name: `${name}-${role}`, role }), admin);
  const write = await key('write');
  const read = await key('read');
  return { admin, write: write.secret, read: read.secret, writeKeyId: write.key.id };
}

beforeAll(async () => {
  server = await startTestServer();
  const main = await newProject('prompts-main');
  const other = await newProject('prompts-other');
  keys = { admin: main.admin, write: main.write, read: main.read, otherProject: other.admin };
  writeKeyId = main.writeKeyId;
});
afterAll(async () => {
  await server?.close();
});

const create = (body: Record<string, unknown>, key = keys.write) => callKeel(server.url, post('/api/v1/prompts', body), key);

describe('prompt versions', () => {
  it('creates versions 1, 2 and reads them by latest, label and version', async () => {
    const first = await create({ name: 'support/greeting', type: 'text', template: 'Hello {{name}}, about {{ topic }}', variables: ['name', 'topic'], config: { model: 'gpt-4o', temperature: 0.3 }, labels: ['production'], commitMessage: 'first', authorName: 'Ada' });
    expect(first.status, first.text).toBe(201);
    expect(first.json).toMatchObject({ name: 'support/greeting', version: 1, type: 'text', labels: ['latest', 'production'], createdBy: writeKeyId, authorName: 'Ada', commitMessage: 'first', config: { model: 'gpt-4o', temperature: 0.3 } });
    const second = await create({ name: 'support/greeting', type: 'chat', messages: [{ role: 'system', content: 'You help with {{topic}}.' }, { role: 'user', content: 'I am {{name}}' }], variables: ['topic', 'name'] });
    expect(second.status, second.text).toBe(201);
    expect(second.json).toMatchObject({ version: 2, type: 'chat', labels: ['latest'] });

    const read = (query?: Record<string, string>) => callKeelOk<{ version: number }>(server.url, get(prompt('support/greeting'), query), keys.read);
    expect((await read()).version).toBe(2);
    expect((await read({ label: 'latest' })).version).toBe(2);
    expect((await read({ label: 'production' })).version).toBe(1);
    expect((await read({ version: '1' })).version).toBe(1);
    expect(errorOf(await callKeel(server.url, get(prompt('support/greeting'), { label: 'production', version: '1' }), keys.read))).toMatchObject({ status: 400, code: 'INVALID_PARAMETER_VALUE' });
    expect(errorOf(await callKeel(server.url, get(prompt('support/greeting'), { version: '3' }), keys.read))).toMatchObject({ status: 404, code: 'RESOURCE_DOES_NOT_EXIST', message: "Prompt 'support/greeting' has no version 3" });
    expect(errorOf(await callKeel(server.url, get(prompt('support/greeting'), { label: 'staging' }), keys.read))).toMatchObject({ status: 404, message: "Prompt 'support/greeting' has no label 'staging'" });
    expect(errorOf(await callKeel(server.url, get(prompt('nobody')), keys.read))).toMatchObject({ status: 404, message: "Prompt 'nobody' not found" });

    const versions = await callKeelOk<{ items: { version: number }[] }>(server.url, get(prompt('support/greeting', '/versions')), keys.read);
    expect(versions.items.map((version) => version.version)).toEqual([2, 1]);
  });

  it('lists prompts page by page with their latest version and labels', async () => {
    for (const name of ['list-a', 'list-b', 'list-c']) await callKeelOk(server.url, post('/api/v1/prompts', { name, type: 'text', template: name, labels: ['staging'] }), keys.write);
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await callKeelOk<{ items: { name: string; latestVersion: number; labels: { label: string; version: number }[] }[]; nextPageToken?: string }>(
        server.url, get('/api/v1/prompts', { maxResults: '2', ...(pageToken === undefined ? {} : { pageToken }) }), keys.read,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      names.push(...page.items.map((item) => item.name));
      if (page.items[0]?.name === 'list-a') expect(page.items[0]).toMatchObject({ latestVersion: 1, labels: [{ label: 'staging', version: 1 }] });
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
    expect(names.filter((name) => name.startsWith('list-'))).toEqual(['list-a', 'list-b', 'list-c']);
  });
});

describe('labels', () => {
  it('moves a label (deploy, roll back), deletes it and keeps the history', async () => {
    for (const template of ['one', 'two', 'three']) await callKeelOk(server.url, post('/api/v1/prompts', { name: 'rollout', type: 'text', template }), keys.write);
    const set = (label: string, version: unknown, key = keys.write) => callKeel(server.url, put(prompt('rollout', `/labels/${label}`), { version }), key);
    expect((await set('production', 2)).json).toEqual({ name: 'rollout', label: 'production', version: 2, previousVersion: null });
    expect((await set('production', '3')).json).toEqual({ name: 'rollout', label: 'production', version: 3, previousVersion: 2 });
    expect((await set('production', 1)).json).toEqual({ name: 'rollout', label: 'production', version: 1, previousVersion: 3 });
    expect((await callKeelOk<{ version: number }>(server.url, get(prompt('rollout'), { label: 'production' }), keys.read)).version).toBe(1);
    expect((await callKeel(server.url, remove(prompt('rollout', '/labels/production')), keys.write)).json).toEqual({ deleted: 'production' });
    expect(errorOf(await callKeel(server.url, remove(prompt('rollout', '/labels/production')), keys.write))).toMatchObject({ status: 404 });

    const history = await callKeelOk<{ items: { label: string; fromVersion: number | null; toVersion: number | null; actor: string }[] }>(server.url, get(prompt('rollout', '/history')), keys.read);
    expect(history.items.map(({ label, fromVersion, toVersion, actor }) => ({ label, fromVersion, toVersion, actor }))).toEqual([
      { label: 'production', fromVersion: 1, toVersion: null, actor: writeKeyId },
      { label: 'production', fromVersion: 3, toVersion: 1, actor: writeKeyId },
      { label: 'production', fromVersion: 2, toVersion: 3, actor: writeKeyId },
      { label: 'production', fromVersion: null, toVersion: 2, actor: writeKeyId },
    ]);
  });

  it('refuses latest, bad label names, unknown versions and prompts, and read keys', async () => {
    await callKeelOk(server.url, post('/api/v1/prompts', { name: 'guarded', type: 'text', template: 'x' }), keys.write);
    const set = (label: string, version: unknown, key = keys.write) => callKeel(server.url, put(prompt('guarded', `/labels/${label}`), { version }), key);
    expect(errorOf(await set('latest', 1))).toMatchObject({ status: 400, code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('reserved') });
    expect(errorOf(await callKeel(server.url, remove(prompt('guarded', '/labels/latest')), keys.write))).toMatchObject({ status: 400 });
    expect(errorOf(await set('Prod', 1))).toMatchObject({ status: 400, message: expect.stringContaining("Invalid label 'Prod'") });
    expect(errorOf(await set('x'.repeat(37), 1))).toMatchObject({ status: 400 });
    expect(errorOf(await set('production', 0))).toMatchObject({ status: 400 });
    expect(errorOf(await set('production', 'one'))).toMatchObject({ status: 400 });
    expect(errorOf(await set('production', 2))).toMatchObject({ status: 404, message: "Prompt 'guarded' has no version 2" });
    expect(errorOf(await set('production', 1, keys.read))).toMatchObject({ status: 403, code: 'PERMISSION_DENIED' });
    expect(errorOf(await create({ name: 'guarded', type: 'text', template: 'y' }, keys.read))).toMatchObject({ status: 403 });
    expect(errorOf(await callKeel(server.url, put(prompt('guarded', '/labels/production'), { version: 1 }), keys.otherProject))).toMatchObject({ status: 404 });
    expect(errorOf(await callKeel(server.url, get(prompt('guarded')), keys.otherProject))).toMatchObject({ status: 404 });
    expect(errorOf(await callKeel(server.url, get(prompt('guarded'), { label: 'BAD LABEL' }), keys.read))).toMatchObject({ status: 400 });
    expect((await callKeelOk<{ items: unknown[] }>(server.url, get(prompt('guarded', '/history')), keys.read)).items).toEqual([]);
  });
});

describe('bad versions', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['an undeclared variable', { template: 'Hi {{name}} {{place}}', variables: ['name'] }, /used but not declared: place/],
    ['a declared variable the template does not use', { template: 'Hi {{name}}', variables: ['name', 'unused'] }, /declared but not used: unused/],
    ['no declaration at all', { template: 'Hi {{name}}' }, /used but not declared: name/],
    ['an invalid placeholder', { template: 'Hi {{first-name}}', variables: [] }, /Invalid placeholder \{\{first-name\}\}/],
    ['a bad variable name', { template: 'x', variables: ['9lives'] }, /Invalid variable name '9lives'/],
    ['a reserved label', { template: 'x', labels: ['latest'] }, /reserved/],
    ['a bad label', { template: 'x', labels: ['Production'] }, /Invalid label/],
    ['config that is not an object', { template: 'x', config: ['gpt-4o'] }, /config/],
    ['config that is too big', { template: 'x', config: { blob: 'z'.repeat(70_000) } }, /config is \d+ bytes/],
    ['a bad name', { name: '../etc', template: 'x' }, /Invalid prompt name/],
    ['an empty name', { name: '', template: 'x' }, /Invalid prompt name/],
    ['a template that is not a string', { template: 42 }, /template/],
  ];
  it.each(cases)('refuses %s with 400 and stores nothing', async (_label, fields, message) => {
    const answer = await create({ name: 'bad-input', type: 'text', ...fields });
    expect(errorOf(answer), answer.text).toMatchObject({ status: 400, code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(message) });
    expect(errorOf(await callKeel(server.url, get(prompt('bad-input')), keys.read))).toMatchObject({ status: 404 });
  });

  it('refuses a chat prompt without messages, a wrong type and text fields on a chat prompt', async () => {
    expect(errorOf(await create({ name: 'bad-chat', type: 'chat', messages: [] }))).toMatchObject({ status: 400, message: 'A chat prompt needs at least one message' });
    expect(errorOf(await create({ name: 'bad-chat', type: 'image', template: 'x' }))).toMatchObject({ status: 400 });
    expect(errorOf(await create({ name: 'bad-chat', type: 'chat', template: 'x' }))).toMatchObject({ status: 400 });
    expect(errorOf(await create({ name: 'bad-chat', type: 'chat', messages: [{ role: 'user' }] }))).toMatchObject({ status: 400 });
    expect(errorOf(await callKeel(server.url, get('/api/v1/prompts', { maxResults: '0' }), keys.read))).toMatchObject({ status: 400 });
    expect(errorOf(await callKeel(server.url, get('/api/v1/prompts', { pageToken: 'garbage' }), keys.read))).toMatchObject({ status: 400 });
  });
});

describe('diff and usage', () => {
  it('diffs two versions: lines, variables and config', async () => {
    await callKeelOk(server.url, post('/api/v1/prompts', { name: 'diffed', type: 'text', template: 'Line one\nHello {{name}}', variables: ['name'], config: { model: 'a', temperature: 0 } }), keys.write);
    await callKeelOk(server.url, post('/api/v1/prompts', { name: 'diffed', type: 'text', template: 'Line one\nHi {{user}}\nBye', variables: ['user'], config: { model: 'b' } }), keys.write);
    const diff = await callKeelOk(server.url, get(prompt('diffed', '/diff'), { from: '1', to: '2' }), keys.read);
    expect(diff).toEqual({
      name: 'diffed', from: 1, to: 2, typeChanged: false,
      lines: [{ op: 'equal', text: 'Line one' }, { op: 'remove', text: 'Hello {{name}}' }, { op: 'add', text: 'Hi {{user}}' }, { op: 'add', text: 'Bye' }],
      variables: { added: ['user'], removed: ['name'] },
      config: [{ path: 'model', change: 'changed', from: 'a', to: 'b' }, { path: 'temperature', change: 'removed', from: 0 }],
    });
    expect(errorOf(await callKeel(server.url, get(prompt('diffed', '/diff'), { from: '1', to: '9' }), keys.read))).toMatchObject({ status: 404 });
    expect(errorOf(await callKeel(server.url, get(prompt('diffed', '/diff'), { from: '1' }), keys.read))).toMatchObject({ status: 400 });
  });

  it('answers usage per version for a time window, which is required', async () => {
    await callKeelOk(server.url, post('/api/v1/prompts', { name: 'used', type: 'text', template: 'x' }), keys.write);
    const usage = await callKeelOk(server.url, get(prompt('used', '/usage'), { from: '2026-01-01T00:00:00Z', to: '1900000000000' }), keys.read);
    expect(usage).toEqual({ name: 'used', from: Date.parse('2026-01-01T00:00:00Z'), to: 1_900_000_000_000, versions: [] });
    expect(errorOf(await callKeel(server.url, get(prompt('used', '/usage')), keys.read))).toMatchObject({ status: 400 });
    expect(errorOf(await callKeel(server.url, get(prompt('used', '/usage'), { from: 'yesterday', to: '5' }), keys.read))).toMatchObject({ status: 400, message: expect.stringContaining("Invalid from 'yesterday'") });
    expect(errorOf(await callKeel(server.url, get(prompt('used', '/usage'), { from: '5', to: '5' }), keys.read))).toMatchObject({ status: 400, message: 'to must be after from' });
    expect(errorOf(await callKeel(server.url, get(prompt('missing', '/usage'), { from: '1', to: '5' }), keys.read))).toMatchObject({ status: 404 });
  });

  it('rolls up traced LLM calls that name the prompt into usage per version', async () => {
    await callKeelOk(server.url, post('/api/v1/prompts', { name: 'traced', type: 'text', template: 'a' }), keys.write);
    await callKeelOk(server.url, post('/api/v1/prompts', { name: 'traced', type: 'text', template: 'b' }), keys.write);
    const start = BigInt(Date.now()) * 1_000_000n;
    const span = (spanId: string, version: number, inputTokens: number) => ({
      traceId: 'ab'.repeat(16), spanId: spanId.repeat(16), name: 'chat', kind: 3,
      startTimeUnixNano: String(start), endTimeUnixNano: String(start + 40_000_000n), status: {},
      attributes: [
        { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
        { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: String(inputTokens) } },
        { key: 'keel.prompt.name', value: { stringValue: 'traced' } },
        { key: 'keel.prompt.version', value: { intValue: String(version) } },
      ],
    });
    const otlp = { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'test' }, spans: [span('1', 1, 10), span('2', 1, 5), span('3', 2, 7)] }] }] };
    const sent = await callKeel(server.url, { method: 'POST', path: '/v1/traces', headers: { 'content-type': 'application/json' }, rawBody: JSON.stringify(otlp) }, keys.write);
    expect(sent.status, sent.text).toBe(200);
    const usage = await callKeelOk<{ versions: { version: number; count: number; inputTokens: number }[] }>(server.url, get(prompt('traced', '/usage'), { from: String(Date.now() - 60_000), to: String(Date.now() + 60_000) }), keys.read);
    expect(usage.versions.map(({ version, count, inputTokens }) => ({ version, count, inputTokens }))).toEqual([{ version: 1, count: 2, inputTokens: 15 }, { version: 2, count: 1, inputTokens: 7 }]);
  });
});
