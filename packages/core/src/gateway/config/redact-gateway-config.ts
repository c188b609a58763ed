import type { GatewayConfig, SecretInput } from '@keel/spec';

/** What a read shows of a secret: an environment variable's name (not a secret), else only that one is set. */
export function redactSecret(secret: SecretInput): SecretInput {
  return typeof secret === 'object' && 'env' in secret ? { env: secret.env } : { redacted: true };
}

/** The document with every credential and key secret replaced by `{ redacted: true }`. */
export function redactGatewayConfig(config: GatewayConfig): GatewayConfig {
  return {
    ...config,
    providers: config.providers.map((provider) => (provider.api_key === undefined ? provider : { ...provider, api_key: redactSecret(provider.api_key) })),
    keys: config.keys.map((key) => (key.secret === undefined ? key : { ...key, secret: redactSecret(key.secret) })),
  };
}
