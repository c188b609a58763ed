import { createHash } from 'node:crypto';
import type { IdGenerator } from '../ports.ts';

export const apiKeyPrefix = 'keel_';

export interface IssuedKey {
  /** The secret, shown once. */
  secret: string;
  id: string;
  /** The first characters, kept to recognise a key in listings. */
  prefix: string;
  hash: string;
}

/** Keys carry 190 bits of randomness, so a fast hash is enough at rest (no password stretching needed). */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function issueApiKey(ids: IdGenerator): IssuedKey {
  const secret = `${apiKeyPrefix}${ids.secret(32)}`;
  return { secret, id: `key_${ids.secret(12)}`, prefix: secret.slice(0, 10), hash: hashApiKey(secret) };
}
