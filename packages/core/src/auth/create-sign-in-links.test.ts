import { describe, expect, it } from 'vitest';
import { createSignInLinks } from './create-sign-in-links.ts';
import type { CreatedKey } from './auth-service.ts';

const key = (n: number): CreatedKey => ({ secret: `keel_secret${n}`, key: { id: `key_${n}`, projectId: 1, projectName: 'default', name: 'web UI sign-in', role: 'admin', superuser: true, prefix: 'keel_secre', createdAt: 0, revokedAt: null } });

function setup() {
  let now = 1_000;
  let made = 0;
  let secrets = 0;
  const links = createSignInLinks({
    auth: { createInstanceAdminKey: async () => key(++made) },
    clock: { now: () => now },
    ids: { hexId: () => 'x', secret: (length) => `${++secrets}`.padStart(length, 't') },
    ttlMs: 60_000,
  });
  return { links, advance: (ms: number) => { now += ms; }, made: () => made };
}

describe('sign-in links', () => {
  it('trades a token for an instance administrator key exactly once', async () => {
    const { links, made } = setup();
    const token = links.issue();
    expect((await links.redeem(token)).key.superuser).toBe(true);
    await expect(links.redeem(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(made()).toBe(1);
  });

  it('refuses a wrong token without spending the right one', async () => {
    const { links } = setup();
    const token = links.issue();
    await expect(links.redeem(`${token}x`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(links.redeem('')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await links.redeem(token)).secret).toBe('keel_secret1');
  });

  it('expires, and a newer token replaces the older one', async () => {
    const { links, advance, made } = setup();
    const old = links.issue();
    const fresh = links.issue();
    await expect(links.redeem(old)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    advance(60_001);
    await expect(links.redeem(fresh)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(made()).toBe(0);
  });
});
