import { type KeelClientOptions, clientTransport } from './client-transport.ts';
import type { KeelClient } from './create-keel-client.ts';

/**
 * An API group made on first use: every method call waits for the group's module, then calls it.
 * The group's module (and the spec schemas only it uses) is loaded and evaluated then, not at start.
 * Every method of a group returns a promise, except `prompts.clearCache()`, which has nothing to
 * clear before the group exists.
 */
function lazyGroup<T extends object>(load: () => Promise<T>): T {
  let made: T | undefined;
  let pending: Promise<T> | undefined;
  const group = (): Promise<T> =>
    (pending ??= load().then((value) => {
      made = value;
      return value;
    }));
  return new Proxy({} as T, {
    get(_target, name) {
      if (made !== undefined) return Reflect.get(made, name) as unknown;
      return async (...args: unknown[]) => {
        const value = await group();
        const method = Reflect.get(value, name) as unknown;
        if (typeof method !== 'function') throw new TypeError(`KeelClient: no method ${String(name)}`);
        return (method as (...values: unknown[]) => unknown).apply(value, args);
      };
    },
  });
}

/**
 * The same client as createKeelClient, for browsers: each API group's code is loaded on its first
 * call. A page then pays, at start, only for the groups (and their answer schemas) it uses; zod
 * schemas cost time to build, and a cold page load is mostly the time to run its code.
 */
export function createLazyKeelClient(options: KeelClientOptions): KeelClient {
  const transport = clientTransport(options);
  return {
    baseUrl: options.baseUrl,
    project: options.project,
    experiments: lazyGroup(async () => (await import('./experiments-api.ts')).createExperimentsApi(transport)),
    runs: lazyGroup(async () => (await import('./runs-api.ts')).createRunsApi(transport)),
    registry: lazyGroup(async () => (await import('./registry-api.ts')).createRegistryApi(transport)),
    prompts: lazyGroup(async () => (await import('./prompts-api.ts')).createPromptsApi(transport)),
    projects: lazyGroup(async () => (await import('./projects-api.ts')).createProjectsApi(transport)),
    keys: lazyGroup(async () => (await import('./keys-api.ts')).createKeysApi(transport)),
    traces: lazyGroup(async () => (await import('./traces-api.ts')).createTracesApi(transport)),
    gateway: lazyGroup(async () => (await import('./gateway-api.ts')).createGatewayApi(transport)),
  };
}
