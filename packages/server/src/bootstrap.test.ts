import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthService, randomIds } from '@keel/core';
import { openStore } from '@keel/store';
import type { KeelStore } from '@keel/spec';

const opened: { store: KeelStore; home: string }[] = [];
afterEach(async () => {
  for (const { store, home } of opened.splice(0)) {
    await store.close();
    await rm(home, { recursive: true, force: true });
  }
});

async function open(): Promise<KeelStore> {
  const home = await mkdtemp(path.join(tmpdir(), 'keel-bootstrap-'));
  const store = await openStore({ databaseUrl: path.join(home, 'keel.db') });
  opened.push({ store, home });
  return store;
}

describe('first-start bootstrap', () => {
  it('persists the secret before storing the key, and a start after a crash in between repairs it', async () => {
    const store = await open();
    const auth = createAuthService({ store, clock: { now: () => 1_000 }, ids: randomIds });
    await expect(auth.bootstrap(() => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    expect(await store.listApiKeys(undefined)).toEqual([]);

    const persisted: string[] = [];
    const created = await auth.bootstrap(async (secret) => {
      persisted.push(secret);
    });
    expect(created?.key.superuser).toBe(true);
    expect(persisted).toEqual([created?.secret]);
    const principal = await auth.authenticate(persisted[0], undefined);
    expect(principal).toMatchObject({ projectName: 'default', role: 'admin', superuser: true });
    expect((await store.listProjects()).map((project) => project.name)).toEqual(['default']);
    const project = await store.getProjectByName('default');
    expect((await store.getExperiment(project?.id ?? -1, '0'))?.name).toBe('Default');

    expect(await auth.bootstrap(async () => undefined)).toBeUndefined();
    expect(await store.listApiKeys(undefined)).toHaveLength(1);
  });
});
