import { type ChatProvider, createAnthropicProvider, createOpenAiProvider, type HttpClient, type ResolvedProvider, UpstreamError } from '@keel/core';

/**
 * Builds the client of one configured provider: the one place that picks a provider adapter.
 * node-llama-cpp (large, optional) is imported only when a llama-cpp provider is first called.
 */
export function createProviderClientFactory(options: { http: HttpClient; nowMs: () => number }): (provider: ResolvedProvider) => Promise<ChatProvider> {
  return async (provider) => {
    if (provider.credential_error !== undefined) throw new UpstreamError({ failure: 'connection', message: `provider '${provider.name}' cannot be used: ${provider.credential_error}` });
    switch (provider.type) {
      case 'openai':
      case 'openai-compatible':
      case 'azure':
        return createOpenAiProvider({
          type: provider.type,
          name: provider.name,
          http: options.http,
          baseUrl: provider.base_url ?? 'https://api.openai.com/v1',
          apiKey: provider.api_key,
          apiVersion: provider.api_version,
          deployments: provider.deployments,
          headers: provider.headers,
          nowMs: options.nowMs,
        });
      case 'anthropic':
        return createAnthropicProvider({ http: options.http, baseUrl: provider.base_url, apiKey: provider.api_key ?? '', headers: provider.headers, name: provider.name, clock: { now: options.nowMs } });
      case 'llama-cpp': {
        const { createLlamaCppProvider } = await import('./create-llama-cpp-provider.ts');
        return createLlamaCppProvider({ modelPath: provider.model_path ?? '', threads: provider.threads ?? 1, contextSize: provider.context_size, nowMs: options.nowMs });
      }
      default: {
        const unknown: never = provider.type;
        throw new UpstreamError({ failure: 'connection', message: `unknown provider type ${String(unknown)}` });
      }
    }
  };
}
