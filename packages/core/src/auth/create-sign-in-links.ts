import { timingSafeEqual } from 'node:crypto';
import { KeelError } from '@keel/spec';
import type { Clock, IdGenerator } from '../ports.ts';
import { hashApiKey } from './api-key-secret.ts';
import type { AuthService, CreatedKey } from './auth-service.ts';

export interface SignInLinks {
  /** A new one-time token (the previous one stops working); `given` is used when set (several worker processes share the primary's). */
  issue(given?: string): string;
  /** Trades the token for a new instance administrator key, once. */
  redeem(token: string): Promise<CreatedKey>;
}

interface SignInLinksDeps {
  auth: Pick<AuthService, 'createInstanceAdminKey'>;
  clock: Clock;
  ids: IdGenerator;
  /** How long a token works; a day by default. */
  ttlMs?: number;
}

/**
 * The one-time sign-in link `keel server` prints, as Jupyter prints its token URL: the token lives in
 * this process's memory only (hashed), works once, and expires. Redeeming it mints a key for the
 * browser, so the local administrator never copies a key by hand.
 */
export function createSignInLinks({ auth, clock, ids, ttlMs = 24 * 60 * 60 * 1000 }: SignInLinksDeps): SignInLinks {
  let active: { hash: Buffer; expiresAt: number } | undefined;
  const refuse = () => new KeelError('UNAUTHENTICATED', 'This sign-in link was already used or has expired. Restart `keel server` for a new one, or sign in with an API key.');
  return {
    issue(given) {
      const token = given ?? ids.secret(32);
      active = { hash: Buffer.from(hashApiKey(token), 'hex'), expiresAt: clock.now() + ttlMs };
      return token;
    },
    async redeem(token) {
      const current = active;
      if (current === undefined || clock.now() > current.expiresAt) throw refuse();
      if (!timingSafeEqual(Buffer.from(hashApiKey(token), 'hex'), current.hash)) throw refuse();
      // Spent before the key is made: two racing requests cannot both get one.
      active = undefined;
      return auth.createInstanceAdminKey('web UI sign-in');
    },
  };
}
