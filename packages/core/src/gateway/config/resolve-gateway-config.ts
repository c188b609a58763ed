import type { GatewayConfig } from '@keel/spec';
import type { SecretBox } from '../../secrets/create-secret-box.ts';
import type { ResolvedGatewayConfig, ResolvedProvider } from '../resolved-gateway-config.ts';
import { resolveSecret } from './resolve-secret.ts';

/** A stored or file document as the gateway uses it: credentials in plain text, key secrets left out. */
export function resolveGatewayConfig(
  config: GatewayConfig,
  context: { projectId: number; version: string; env: Readonly<Record<string, string | undefined>>; secretBox: SecretBox },
): ResolvedGatewayConfig {
  const providers = config.providers.map((provider): ResolvedProvider => {
    const { api_key: apiKey, ...rest } = provider;
    if (apiKey === undefined) return rest;
    const secret = resolveSecret(apiKey, context.env, context.secretBox);
    return secret.error === undefined ? { ...rest, api_key: secret.value } : { ...rest, credential_error: `provider '${provider.name}': ${secret.error}` };
  });
  const keys = config.keys.map(({ secret: _secret, ...key }) => key);
  return { ...config, projectId: context.projectId, version: context.version, providers, keys };
}
