import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeelError } from '@keel/spec';

/** Seals secrets (provider credentials) for storage, and opens them again. */
export interface SecretBox {
  /** `v1.<iv>.<tag>.<ciphertext>`, each base64; a new random IV every time. */
  seal(plain: string): string;
  /** Throws when the text was sealed with another key, changed, or is not a sealed secret. */
  open(sealed: string): string;
}

const keyBytes = 32;
const ivBytes = 12;
const tagBytes = 16;
const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** AES-256-GCM with a 12-byte random IV and a 16-byte tag; the version prefix leaves room for a new scheme. */
export function createSecretBox(key: Uint8Array): SecretBox {
  if (key.length !== keyBytes) throw new KeelError('INVALID_PARAMETER_VALUE', `The secret key must be ${keyBytes} bytes, not ${key.length}`);
  const secretKey = Buffer.from(key);
  const unreadable = (why: string, cause?: unknown): KeelError =>
    new KeelError('INTERNAL_ERROR', `A stored secret cannot be opened (${why}); was KEEL_SECRET_KEY changed?`, { cause, retryable: false });
  return {
    seal(plain) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', secretKey, iv);
      const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join('.');
    },
    open(sealed) {
      const parts = sealed.split('.');
      if (parts.length !== 4 || parts[0] !== 'v1') throw unreadable('not a v1 sealed secret');
      const [, ivText = '', tagText = '', dataText = ''] = parts;
      if (![ivText, tagText, dataText].every((part) => base64.test(part))) throw unreadable('not base64');
      const iv = Buffer.from(ivText, 'base64');
      const tag = Buffer.from(tagText, 'base64');
      if (iv.length !== ivBytes || tag.length !== tagBytes) throw unreadable('bad IV or tag length');
      try {
        const decipher = createDecipheriv('aes-256-gcm', secretKey, iv, { authTagLength: tagBytes });
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(dataText, 'base64')), decipher.final()]).toString('utf8');
      } catch (error) {
        throw unreadable('authentication failed', error);
      }
    },
  };
}
