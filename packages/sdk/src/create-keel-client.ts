import { type FetchLike, createTransport } from './create-transport.ts';
import { type ExperimentsApi, createExperimentsApi } from './experiments-api.ts';
import { type GatewayApi, createGatewayApi } from './gateway-api.ts';
import { type KeysApi, createKeysApi } from './keys-api.ts';
import { type ProjectsApi, createProjectsApi } from './projects-api.ts';
import { type PromptsApi, createPromptsApi } from './prompts-api.ts';
import { type RegistryApi, createRegistryApi } from './registry-api.ts';
import { type RetryOptions, createRetryPolicy } from './retry-policy.ts';
import { type RunsApi, createRunsApi } from './runs-api.ts';
import { type TracesApi, createTracesApi } from './traces-api.ts';

export interface KeelClientOptions {
  /** Where Keel listens, e.g. http://127.0.0.1:4000. */
  baseUrl: string;
  apiKey: string;
  /** Act in this project (instance administrator key only; sent as X-Keel-Project). */
  project?: string | undefined;
  /** Defaults to globalThis.fetch. */
  fetch?: FetchLike | undefined;
  /** Backoff for transient failures (network, 429, 502, 503, 504); `false` sends each request once. */
  retry?: RetryOptions | false | undefined;
}

export interface KeelClient {
  readonly baseUrl: string;
  readonly project: string | undefined;
  experiments: ExperimentsApi;
  runs: RunsApi;
  registry: RegistryApi;
  prompts: PromptsApi;
  projects: ProjectsApi;
  keys: KeysApi;
  traces: TracesApi;
  /** Gateway configuration, virtual keys and usage. */
  gateway: GatewayApi;
}

/** A typed client of Keel's native API (/api/v1). Every answer is checked against the spec's schemas. */
export function createKeelClient(options: KeelClientOptions): KeelClient {
  if (options.baseUrl.trim() === '') throw new TypeError('createKeelClient: baseUrl is required');
  if (options.apiKey.trim() === '') throw new TypeError('createKeelClient: apiKey is required');
  const transport = createTransport({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    project: options.project,
    // Looked up per call so that a fetch swapped in later (test doubles, instrumentation) is seen.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    retry: createRetryPolicy(options.retry),
  });
  return {
    baseUrl: options.baseUrl,
    project: options.project,
    experiments: createExperimentsApi(transport),
    runs: createRunsApi(transport),
    registry: createRegistryApi(transport),
    prompts: createPromptsApi(transport),
    projects: createProjectsApi(transport),
    keys: createKeysApi(transport),
    traces: createTracesApi(transport),
    gateway: createGatewayApi(transport),
  };
}
