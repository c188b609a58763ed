// The browser-safe entry: the API client without tracing (which needs Node). The web UI imports this,
// and makes its clients with createLazyKeelClient (each API group's code loaded on first use).
export { createKeelClient, type KeelClient, type KeelClientOptions } from './create-keel-client.ts';
export { createLazyKeelClient } from './create-lazy-keel-client.ts';
export type { FetchLike } from './create-transport.ts';
export { KeelApiError, isKeelApiError } from './keel-api-error.ts';
export type { Run, RunInfo, RunStatus, Metric, KeyValue, Page, Project, Role, Experiment, ViewType } from '@keel/spec';
export type { RegisteredModel, ModelVersion, RegistryEvent, Lineage } from './registry-api.ts';
export type { PromptSummary, PromptVersion, PromptDiff, PromptLabelEvent, PromptUsage } from './prompts-api.ts';
