import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord, KeelStore } from '@keel/spec';
import { randomIds } from '../system-ports.ts';
import { hashApiKey } from './api-key-secret.ts';
import { createAuthService } from './auth-service.ts';

const secret = 'keel_test-secret';
const record: ApiKeyRecord = { id: 'key-1', projectId: 1, projectName: 'default', name: 'k', role: 'write', superuser: false, prefix: 'keel_test', createdAt: 0, revokedAt: null };

/**
 * The two store methods authentication and revocation use, with lookups that answer when told to,
 * counted. Every other method throws: the service must not reach for them here.
 */
function keyStore() {
  let revokedAt: number | null = null;
  let lookups = 0;
  const releases: (() => void)[] = [];
  const methods: Pick<KeelStore, 'findApiKeyByHash' | 'revokeApiKey'> = {
    findApiKeyByHash: (hash) => {
      lookups += 1;
      // The row as it was when the query ran: its answer may arrive after a revocation.
      const row = hash === hashApiKey(secret) ? { ...record, revokedAt } : undefined;
      return new Promise((resolve) => releases.push(() => resolve(row)));
    },
    revokeApiKey: async (id) => {
      if (id !== record.id || revokedAt !== null) return false;
      revokedAt = 1;
      return true;
    },
  };
  const store = new Proxy(methods, {
    get: (target, name) => (name in target ? target[name as keyof typeof target] : () => { throw new Error(`unexpected store call ${String(name)}`); }),
  }) as KeelStore;
  return { store, release: () => releases.splice(0).forEach((release) => release()), lookups: () => lookups };
}

describe('createAuthService key lookups', () => {
  it('makes one lookup for concurrent requests with one key, then answers from its cache', async () => {
    const keys = keyStore();
    const auth = createAuthService({ store: keys.store, clock: { now: () => 0 }, ids: randomIds, keyCacheMs: 2_000 });
    const requests = Array.from({ length: 64 }, () => auth.authenticate(secret, undefined));
    keys.release();
    const principals = await Promise.all(requests);
    expect(new Set(principals.map((principal) => principal.keyId))).toEqual(new Set(['key-1']));
    expect(keys.lookups()).toBe(1);
    await auth.authenticate(secret, undefined);
    expect(keys.lookups()).toBe(1);
  });

  it('refuses a key revoked through it at once, even when a lookup begun before the revocation answers after it', async () => {
    const keys = keyStore();
    const auth = createAuthService({ store: keys.store, clock: { now: () => 0 }, ids: randomIds, keyCacheMs: 2_000 });
    const before = auth.authenticate(secret, undefined);
    await auth.revokeKey('key-1', 1);
    keys.release();
    // That request began before the revocation and may pass; what it found is not kept.
    expect((await before).keyId).toBe('key-1');
    const after = auth.authenticate(secret, undefined);
    keys.release();
    await expect(after).rejects.toThrow('Invalid or revoked API key');
    expect(keys.lookups()).toBe(2);
  });

  it('refuses an unknown key without caching the refusal', async () => {
    const keys = keyStore();
    const auth = createAuthService({ store: keys.store, clock: { now: () => 0 }, ids: randomIds, keyCacheMs: 2_000 });
    for (const attempt of [1, 2]) {
      const refused = auth.authenticate('keel_other', undefined);
      keys.release();
      await expect(refused).rejects.toThrow('Invalid or revoked API key');
      expect(keys.lookups()).toBe(attempt);
    }
  });
});
