import { describe, expect, it } from 'vitest';
import type { NewApiKey } from '@keel/spec';
import { expectCode, newProject, type OpenStore, useStore } from './contract-helpers.ts';

let keyCounter = 0;

function apiKey(projectId: number, overrides: Partial<NewApiKey> = {}): NewApiKey {
  keyCounter += 1;
  return {
    id: `key-${keyCounter}`,
    projectId,
    name: `key ${keyCounter}`,
    role: 'write',
    superuser: false,
    keyHash: `hash-${keyCounter}`,
    prefix: `kl_${keyCounter}`,
    createdAt: 2_000 + keyCounter,
    ...overrides,
  };
}

export function describeAuthContract(open: OpenStore): void {
  describe('projects and API keys', () => {
    const store = useStore(open);

    it('creates a project, finds it by name and lists it', async () => {
      const project = await store().createProject('auth-alpha', 1_234);
      expect(project).toEqual({ id: expect.any(Number), name: 'auth-alpha', createdAt: 1_234 });
      expect(await store().getProjectByName('auth-alpha')).toEqual(project);
      expect(await store().getProjectByName('auth-missing')).toBeUndefined();
      const second = await store().createProject('auth-beta', 1_300);
      expect(second.id).not.toBe(project.id);
      const listed = await store().listProjects();
      expect(listed).toEqual(expect.arrayContaining([project, second]));
      const ids = listed.map((entry) => entry.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    });

    it('rejects a duplicate project name with ALREADY_EXISTS and keeps the first', async () => {
      const first = await store().createProject('auth-duplicate', 1_000);
      await expectCode(store().createProject('auth-duplicate', 2_000), 'ALREADY_EXISTS');
      expect(await store().getProjectByName('auth-duplicate')).toEqual(first);
      expect((await store().listProjects()).filter((project) => project.name === 'auth-duplicate')).toHaveLength(1);
    });

    it('creates API keys and finds them by hash', async () => {
      const projectId = await newProject(store(), 'auth-keys');
      const project = (await store().listProjects()).find((entry) => entry.id === projectId);
      const input = apiKey(projectId, { role: 'admin', superuser: true, createdAt: 5_000 });
      const created = await store().createApiKey(input);
      expect(created).toEqual({
        id: input.id,
        projectId,
        projectName: project?.name,
        name: input.name,
        role: 'admin',
        superuser: true,
        prefix: input.prefix,
        createdAt: 5_000,
        revokedAt: null,
      });
      expect(await store().findApiKeyByHash(input.keyHash)).toEqual(created);
      expect(await store().findApiKeyByHash('no-such-hash')).toBeUndefined();
      const reader = await store().createApiKey(apiKey(projectId, { role: 'read' }));
      expect(reader.role).toBe('read');
      expect(reader.superuser).toBe(false);
    });

    it('lists API keys per project and across projects', async () => {
      const a = await newProject(store(), 'auth-list-a');
      const b = await newProject(store(), 'auth-list-b');
      const a1 = await store().createApiKey(apiKey(a, { createdAt: 10 }));
      const a2 = await store().createApiKey(apiKey(a, { createdAt: 20 }));
      const b1 = await store().createApiKey(apiKey(b, { createdAt: 15 }));
      expect(await store().listApiKeys(a)).toEqual([a1, a2]);
      expect(await store().listApiKeys(b)).toEqual([b1]);
      const all = await store().listApiKeys(undefined);
      expect(all).toEqual(expect.arrayContaining([a1, a2, b1]));
      const empty = await newProject(store(), 'auth-list-empty');
      expect(await store().listApiKeys(empty)).toEqual([]);
    });

    it('revokes a key once, only in its own project, and records revoked_at', async () => {
      const a = await newProject(store(), 'auth-revoke-a');
      const b = await newProject(store(), 'auth-revoke-b');
      const keyInput = apiKey(a);
      const key = await store().createApiKey(keyInput);
      const other = await store().createApiKey(apiKey(a));
      expect(await store().revokeApiKey(key.id, b, 7_000)).toBe(false);
      expect((await store().findApiKeyByHash(keyInput.keyHash))?.revokedAt).toBeNull();
      expect(await store().revokeApiKey(key.id, a, 7_000)).toBe(true);
      expect(await store().revokeApiKey(key.id, a, 8_000)).toBe(false);
      expect(await store().revokeApiKey('key-does-not-exist', undefined, 8_000)).toBe(false);
      expect((await store().findApiKeyByHash(keyInput.keyHash))?.revokedAt).toBe(7_000);
      const listed = await store().listApiKeys(a);
      expect(listed.find((entry) => entry.id === key.id)?.revokedAt).toBe(7_000);
      expect(listed.find((entry) => entry.id === other.id)?.revokedAt).toBeNull();
      expect(await store().revokeApiKey(other.id, undefined, 9_000)).toBe(true);
      expect((await store().listApiKeys(a)).map((entry) => entry.revokedAt)).toEqual([7_000, 9_000]);
    });
  });
}
