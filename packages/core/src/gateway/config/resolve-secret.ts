import type { SecretInput } from '@keel/spec';
import type { SecretBox } from '../../secrets/create-secret-box.ts';

export type ResolvedSecret = { value: string; error?: undefined } | { value?: undefined; error: string };

/**
 * A secret's plain value: a literal as is, `{ env }` from the environment, `{ encrypted }` opened
 * with the secret box. What cannot be resolved is an error to report when the secret is needed,
 * never a crash: one provider's missing variable must not take the others down.
 */
export function resolveSecret(secret: SecretInput, env: Readonly<Record<string, string | undefined>>, secretBox: SecretBox): ResolvedSecret {
  if (typeof secret === 'string') return { value: secret };
  if ('env' in secret) {
    const value = env[secret.env];
    return value === undefined || value === '' ? { error: `the environment variable ${secret.env} is not set` } : { value };
  }
  if ('encrypted' in secret) {
    try {
      return { value: secretBox.open(secret.encrypted) };
    } catch {
      return { error: 'the stored credential cannot be decrypted with this server\'s secret key (was KEEL_SECRET_KEY changed?)' };
    }
  }
  return { error: 'the credential is redacted and no stored value was kept' };
}
