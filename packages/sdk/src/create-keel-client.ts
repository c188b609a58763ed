import { type KeelClientOptions, clientTransport } from './client-transport.ts';
import { type ExperimentsApi, createExperimentsApi } from './experiments-api.ts';
import { type GatewayApi, createGatewayApi } from './gateway-api.ts';
import { type KeysApi, createKeysApi } from './keys-api.ts';
import { type ProjectsApi, createProjectsApi } from './projects-api.ts';
import { type PromptsApi, createPromptsApi } from './prompts-api.ts';
import { type RegistryApi, createRegistryApi } from './registry-api.ts';
import { type RunsApi, createRunsApi } from './runs-api.ts';
import { type TracesApi, createTracesApi } from './traces-api.ts';

export type { KeelClientOptions };

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
  const transport = clientTransport(options);
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
