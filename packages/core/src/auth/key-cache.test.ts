import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from '@keel/spec';
import { createKeyCache } from './key-cache.ts';

const record = (id: string): ApiKeyRecord => ({ id, projectId: 1, projectName: 'default', name: 'k', role: 'write', superuser: false, prefix: 'keel_abcde', createdAt: 0, revokedAt: null });

describe('createKeyCache', () => {
  it('remembers a key until its time is up', () => {
    const cache = createKeyCache(2000);
    cache.set('secret-a', record('a'), 1000);
    expect(cache.get('secret-a', 2999)?.id).toBe('a');
    expect(cache.get('secret-a', 3000)).toBeUndefined();
    expect(cache.get('secret-b', 1000)).toBeUndefined();
  });

  it('forgets a revoked key at once, and keeps nothing when turned off', () => {
    const cache = createKeyCache(2000);
    cache.set('secret-a', record('a'), 0);
    cache.set('secret-b', record('b'), 0);
    cache.forgetKey('a');
    expect(cache.get('secret-a', 1)).toBeUndefined();
    expect(cache.get('secret-b', 1)?.id).toBe('b');
    const off = createKeyCache(0);
    off.set('secret-a', record('a'), 0);
    expect(off.get('secret-a', 0)).toBeUndefined();
  });
});
