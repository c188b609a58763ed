import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type GatewayConfig, type GatewayConfigInput, type GatewayKeyRecord, type GatewayStore, KeelError, type Project, type StoredGatewayConfig, gatewayConfigSchema } from '@keel/spec';
import { randomIds } from '../../system-ports.ts';
import { createSecretBox } from '../../secrets/create-secret-box.ts';
import { createGatewayConfigService, type GatewayConfigServiceDeps, virtualKeyPrefix } from './create-gateway-config-service.ts';

/**
 * The store's gateway part in memory, as the SQL store behaves (the contract suite checks that one):
 * versions counted per write, stale expected versions refused, one live key per name. Documents are
 * kept as JSON text, as in the database, so a test can look for plain secrets in what is stored.
 */
function memoryStore() {
  const configs = new Map<number, { text: string; version: number; updatedAt: number }>();
  const keys: (GatewayKeyRecord & { hash: string })[] = [];
  const projects: Project[] = [];
  const strip = ({ hash: _hash, ...record }: GatewayKeyRecord & { hash: string }): GatewayKeyRecord => ({ ...record });
  const gateway: Omit<GatewayStore, 'addGatewayUsage' | 'queryGatewayUsage'> = {
    getGatewayConfig: async (projectId) => {
      const row = configs.get(projectId);
      return row === undefined ? null : { projectId, document: JSON.parse(row.text) as unknown, version: row.version, updatedAt: row.updatedAt };
    },
    putGatewayConfig: async (projectId, document, updatedAt, expectedVersion): Promise<StoredGatewayConfig> => {
      const version = configs.get(projectId)?.version ?? 0;
      if (expectedVersion !== undefined && expectedVersion !== version) throw new KeelError('RESOURCE_CONFLICT', `at version ${version}`);
      configs.set(projectId, { text: JSON.stringify(document), version: version + 1, updatedAt });
      return { projectId, document, version: version + 1, updatedAt };
    },
    listGatewayConfigVersions: async () => [...configs.entries()].map(([projectId, row]) => ({ projectId, version: row.version })),
    createGatewayKey: async (record, hash) => {
      if (keys.some((key) => key.hash === hash || (key.projectId === record.projectId && key.name === record.name && key.revokedAt === null))) throw new KeelError('ALREADY_EXISTS', 'taken');
      keys.push({ ...record, hash });
    },
    findGatewayKeyByHash: async (hash) => {
      const found = keys.find((key) => key.hash === hash && key.revokedAt === null);
      return found === undefined ? null : strip(found);
    },
    listGatewayKeys: async (projectId) => keys.filter((key) => key.projectId === projectId).map(strip),
    revokeGatewayKey: async (projectId, name, revokedAt) => {
      const live = keys.find((key) => key.projectId === projectId && key.name === name && key.revokedAt === null);
      if (live !== undefined) live.revokedAt = revokedAt;
      return live !== undefined;
    },
  };
  return {
    gateway,
    /** Everything stored, as text. */
    dump: () => JSON.stringify({ configs: [...configs.values()], keys }),
    createProject: (name: string): Project => {
      const project = { id: projects.length + 1, name, createdAt: 1_000 };
      projects.push(project);
      return project;
    },
    lookup: { byId: async (id: number) => projects.find((project) => project.id === id), byName: async (name: string) => projects.find((project) => project.name === name) },
  };
}

const memory = memoryStore();
const store = memory.gateway;
const secretBox = createSecretBox(randomBytes(32));
let projectCounter = 0;

async function newProject(): Promise<Project> {
  projectCounter += 1;
  return memory.createProject(`gw-project-${projectCounter}`);
}

function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

function makeService(overrides: Partial<GatewayConfigServiceDeps> = {}) {
  const clock = manualClock();
  const deps: GatewayConfigServiceDeps = {
    store,
    clock,
    ids: randomIds,
    secretBox,
    env: { OPENAI_KEY: 'sk-from-env' },
    projects: memory.lookup,
    ...overrides,
  };
  return { service: createGatewayConfigService(deps), clock };
}

const document = (overrides: Partial<GatewayConfigInput> = {}): GatewayConfigInput => ({
  providers: [
    { name: 'openai', type: 'openai', api_key: 'sk-literal-secret-123' },
    { name: 'local', type: 'openai-compatible', base_url: 'http://127.0.0.1:8080/v1', api_key: { env: 'OPENAI_KEY' } },
  ],
  models: [{ name: 'chat', targets: [{ provider: 'openai', model: 'gpt-4o' }, { provider: 'local', model: 'llama' }] }],
  ...overrides,
});

describe('createGatewayConfigService: documents', () => {
  it('seals literal credentials, resolves them for the gateway and never shows them', async () => {
    const project = await newProject();
    const { service } = makeService();
    expect(await service.get(project.id)).toBeNull();
    expect(await service.getRedacted(project.id)).toEqual({ source: 'none', version: 0, config: gatewayConfigSchema.parse({}) });
    const answer = await service.put(project.id, document());
    expect(answer.source).toBe('database');
    expect(answer.version).toBe(1);
    expect(answer.config.providers.map((provider) => provider.api_key)).toEqual([{ redacted: true }, { env: 'OPENAI_KEY' }]);
    expect(JSON.stringify(answer)).not.toContain('sk-literal');
    const stored = await store.getGatewayConfig(project.id);
    expect(JSON.stringify(stored)).not.toContain('sk-literal');
    expect(memory.dump()).not.toContain('sk-literal');
    expect((stored?.document as GatewayConfig).providers[0]?.api_key).toEqual({ encrypted: expect.stringMatching(/^v1\./) });
    const resolved = await service.get(project.id);
    expect(resolved).toMatchObject({ projectId: project.id, version: 'db:1', models: [{ name: 'chat' }] });
    expect(resolved?.providers.map((provider) => provider.api_key)).toEqual(['sk-literal-secret-123', 'sk-from-env']);
    expect(await service.getRedacted(project.id)).toEqual(answer);
  });

  it('names the bad field, stores nothing, and refuses key secrets and foreign sealed values', async () => {
    const project = await newProject();
    const { service } = makeService();
    const bad = document({ models: [{ name: 'chat', targets: [{ provider: 'openai', model: 'a' }, { provider: 'x', model: 'b' }] }] });
    await expect(service.put(project.id, bad)).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("models[0].targets[1].provider: no provider named 'x'") });
    await expect(service.put(project.id, { providers: [{ name: 'p', type: 'openai', colour: 'red' }] })).rejects.toMatchObject({ message: expect.stringContaining('providers[0]') });
    await expect(service.put(project.id, document({ keys: [{ name: 'k', secret: 'plain' }] }))).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('keys[0].secret') });
    const foreign = createSecretBox(randomBytes(32)).seal('x');
    await expect(service.put(project.id, { providers: [{ name: 'p', type: 'openai', api_key: { encrypted: foreign } }] })).rejects.toMatchObject({ message: expect.stringContaining('providers[0].api_key') });
    await expect(service.put(project.id, { providers: [{ name: 'p', type: 'openai', api_key: { redacted: true } }] })).rejects.toMatchObject({ message: expect.stringContaining("providers[0].api_key: provider 'p' has no stored credential") });
    expect(await store.getGatewayConfig(project.id)).toBeNull();
  });

  it('keeps the stored credential of a provider sent back redacted', async () => {
    const project = await newProject();
    const { service } = makeService();
    const first = await service.put(project.id, document());
    // A read, edited and written back: the credential is still the one stored.
    const edited = { ...first.config, models: [{ name: 'chat-2', targets: [{ provider: 'openai', model: 'gpt-4o-mini' }] }] };
    const second = await service.put(project.id, edited);
    expect(second.version).toBe(2);
    expect((await service.get(project.id))?.providers[0]?.api_key).toBe('sk-literal-secret-123');
    // A redacted credential for a provider that had none is refused.
    const renamed = { ...edited, providers: [{ name: 'other', type: 'openai' as const, api_key: { redacted: true as const } }], models: [] };
    await expect(service.put(project.id, renamed)).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    expect((await store.getGatewayConfig(project.id))?.version).toBe(2);
  });

  it('marks a provider whose credential cannot be resolved instead of failing', async () => {
    const project = await newProject();
    const { service } = makeService({ env: {} });
    await service.put(project.id, document());
    const resolved = await service.get(project.id);
    expect(resolved?.providers[0]).toMatchObject({ name: 'openai', api_key: 'sk-literal-secret-123' });
    expect(resolved?.providers[1]?.api_key).toBeUndefined();
    expect(resolved?.providers[1]?.credential_error).toBe("provider 'local': the environment variable OPENAI_KEY is not set");
  });

  it('refuses a write with a stale expected version', async () => {
    const project = await newProject();
    const { service } = makeService();
    await expect(service.put(project.id, document(), 3)).rejects.toMatchObject({ code: 'RESOURCE_CONFLICT' });
    expect((await service.put(project.id, document(), 0)).version).toBe(1);
    await expect(service.put(project.id, document(), 0)).rejects.toMatchObject({ code: 'RESOURCE_CONFLICT' });
    expect((await service.put(project.id, document(), 1)).version).toBe(2);
  });

  it('hands out one object per version, and another server sees a change after refresh()', async () => {
    const project = await newProject();
    const one = makeService().service;
    const two = makeService().service;
    await one.put(project.id, document());
    const seenByTwo = await two.get(project.id);
    expect(await two.get(project.id)).toBe(seenByTwo);
    await two.refresh();
    expect(await two.get(project.id)).toBe(seenByTwo);
    await one.put(project.id, document({ record_bodies: false }));
    // Cached until the next refresh, then the new version, as a new object.
    expect(await two.get(project.id)).toBe(seenByTwo);
    await two.refresh();
    const fresh = await two.get(project.id);
    expect(fresh).not.toBe(seenByTwo);
    expect(fresh).toMatchObject({ version: 'db:2', record_bodies: false });
    expect(await one.get(project.id)).toMatchObject({ version: 'db:2' });
    // A project with no document is cached as such, and picked up once one is written elsewhere.
    const empty = await newProject();
    expect(await two.get(empty.id)).toBeNull();
    await one.put(empty.id, document());
    await two.refresh();
    expect(await two.get(empty.id)).toMatchObject({ version: 'db:1' });
  });
});

describe('createGatewayConfigService: virtual keys', () => {
  it('issues a key once, adds its entry to the document, authenticates it and lists it without its secret', async () => {
    const project = await newProject();
    const { service } = makeService();
    await service.put(project.id, document());
    const created = await service.createKey(project.id, { name: 'team-a', models: ['chat'], limits: { rpm: 60 } });
    expect(created.secret.startsWith(virtualKeyPrefix)).toBe(true);
    expect(created.key).toMatchObject({ name: 'team-a', source: 'api', prefix: created.secret.slice(0, 14), revoked_at: null, models: ['chat'], limits: { rpm: 60, on_store_error: 'closed' } });
    expect((await service.get(project.id))?.keys).toEqual([{ name: 'team-a', models: ['chat'], limits: { rpm: 60, on_store_error: 'closed' } }]);
    expect(await service.authenticate(created.secret)).toEqual({ projectId: project.id, projectName: project.name, keyName: 'team-a' });
    expect(await service.authenticate(`${created.secret}x`)).toBeNull();
    expect(await service.authenticate('')).toBeNull();
    const listed = await service.listKeys(project.id);
    expect(listed).toEqual([created.key]);
    expect(memory.dump()).not.toContain(created.secret);
    await expect(service.createKey(project.id, { name: 'team-a' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(service.createKey(project.id, { name: 'bad name!' })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('name') });
  });

  it('keeps the entry of a live key when a document leaves it out, and drops it once the key is revoked', async () => {
    const project = await newProject();
    const { service } = makeService();
    await service.createKey(project.id, { name: 'limited', limits: { rpm: 5 } });
    await service.put(project.id, { keys: [{ name: 'policy-only', models: ['chat'] }] });
    expect((await service.get(project.id))?.keys).toEqual([{ name: 'policy-only', models: ['chat'] }, { name: 'limited', limits: { rpm: 5, on_store_error: 'closed' } }]);
    // Named in the document: the document's entry wins.
    await service.put(project.id, { keys: [{ name: 'limited' }] });
    expect((await service.get(project.id))?.keys).toEqual([{ name: 'limited' }]);
    await service.revokeKey(project.id, 'limited');
    await service.put(project.id, {});
    expect((await service.get(project.id))?.keys).toEqual([]);
  });

  it('creates a document for a project that had none', async () => {
    const project = await newProject();
    const { service } = makeService();
    await service.createKey(project.id, { name: 'first' });
    expect((await service.getRedacted(project.id)).config.keys).toEqual([{ name: 'first' }]);
  });

  it('stops a revoked key at once here and within the cache time on another server', async () => {
    const project = await newProject();
    const here = makeService();
    const there = makeService();
    const created = await here.service.createKey(project.id, { name: 'k' });
    expect(await here.service.authenticate(created.secret)).not.toBeNull();
    expect(await there.service.authenticate(created.secret)).not.toBeNull();
    await here.service.revokeKey(project.id, 'k');
    expect(await here.service.authenticate(created.secret)).toBeNull();
    expect(await there.service.authenticate(created.secret)).not.toBeNull();
    there.clock.advance(2_000);
    expect(await there.service.authenticate(created.secret)).toBeNull();
    await expect(here.service.revokeKey(project.id, 'k')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    // The name is free again; the entry and its policy stay.
    const again = await here.service.createKey(project.id, { name: 'k' });
    expect(await there.service.authenticate(again.secret)).toMatchObject({ keyName: 'k' });
    expect((await here.service.listKeys(project.id)).map((key) => key.revoked_at === null)).toEqual([false, true]);
  });
});

describe('createGatewayConfigService: the config file', () => {
  it('serves file-managed projects from the file, refuses API changes naming the file, and accepts its keys', async () => {
    const project = await newProject();
    const config = gatewayConfigSchema.parse({ ...document(), keys: [{ name: 'file-key', secret: 'keel-file-secret-1' }, { name: 'env-key', secret: { env: 'FILE_KEY' } }] });
    const { service } = makeService({ env: { OPENAI_KEY: 'sk-from-env', FILE_KEY: 'keel-file-secret-2' }, fileName: '/home/keel/keel.config.yaml' });
    expect(await service.setFileConfig(new Map([[project.name, config], ['no-such-project', config]]))).toEqual({ unknownProjects: ['no-such-project'] });
    const resolved = await service.get(project.id);
    expect(resolved).toMatchObject({ version: expect.stringMatching(/^file:/), keys: [{ name: 'file-key' }, { name: 'env-key' }] });
    expect(JSON.stringify(resolved?.keys)).not.toContain('keel-file-secret');
    const answer = await service.getRedacted(project.id);
    expect(answer).toMatchObject({ source: 'file', file: '/home/keel/keel.config.yaml' });
    expect(JSON.stringify(answer)).not.toContain('sk-literal');
    expect(JSON.stringify(answer)).not.toContain('keel-file-secret');
    await expect(service.put(project.id, document())).rejects.toMatchObject({ code: 'RESOURCE_CONFLICT', message: expect.stringContaining('/home/keel/keel.config.yaml') });
    await expect(service.createKey(project.id, { name: 'x' })).rejects.toMatchObject({ code: 'RESOURCE_CONFLICT' });
    await expect(service.revokeKey(project.id, 'file-key')).rejects.toMatchObject({ code: 'RESOURCE_CONFLICT', message: expect.stringContaining('keel.config.yaml') });
    expect(await store.getGatewayConfig(project.id)).toBeNull();
    expect(await service.authenticate('keel-file-secret-1')).toEqual({ projectId: project.id, projectName: project.name, keyName: 'file-key' });
    expect(await service.authenticate('keel-file-secret-2')).toMatchObject({ keyName: 'env-key' });
    expect((await service.listKeys(project.id)).map((key) => [key.name, key.source, key.prefix])).toEqual([['file-key', 'file', null], ['env-key', 'file', null]]);

    // A reload with the same document keeps the object; a changed one replaces it; a dropped key stops working.
    await service.setFileConfig(new Map([[project.name, gatewayConfigSchema.parse(JSON.parse(JSON.stringify(config)))]]));
    expect(await service.get(project.id)).toBe(resolved);
    await service.setFileConfig(new Map([[project.name, { ...config, keys: [], record_bodies: false }]]));
    expect(await service.get(project.id)).toMatchObject({ record_bodies: false });
    expect(await service.authenticate('keel-file-secret-1')).toBeNull();
    // Removed from the file: the API manages the project again.
    await service.setFileConfig(new Map());
    expect((await service.put(project.id, document())).source).toBe('database');
  });

  it('applies a file given at creation before answering', async () => {
    const project = await newProject();
    const { service } = makeService({ fileConfig: new Map([[project.name, gatewayConfigSchema.parse({ ...document(), record_bodies: false })]]) });
    expect(await service.get(project.id)).toMatchObject({ version: expect.stringMatching(/^file:/), record_bodies: false });
    expect((await service.getRedacted(project.id)).source).toBe('file');
  });

  it('picks up a project named in the file once it is created', async () => {
    const { service } = makeService();
    projectCounter += 1;
    const name = `gw-later-${projectCounter}`;
    expect(await service.setFileConfig(new Map([[name, gatewayConfigSchema.parse(document())]]))).toEqual({ unknownProjects: [name] });
    const project = memory.createProject(name);
    await service.refresh();
    expect(await service.get(project.id)).toMatchObject({ version: expect.stringMatching(/^file:/) });
  });
});
