export { createKeelClient, type KeelClient, type KeelClientOptions } from './create-keel-client.ts';
export { KeelApiError, isKeelApiError, isRetryableStatus, type KeelApiErrorInit } from './keel-api-error.ts';
export type { RetryOptions } from './retry-policy.ts';
export type { FetchLike } from './create-transport.ts';
export type { ExperimentsApi, SearchExperimentsOptions } from './experiments-api.ts';
export type { RunsApi, MetricInput, SearchRunsOptions, MetricHistoryOptions, ArtifactEntry, DownloadOptions, DownloadedFile } from './runs-api.ts';
export type { RegistryApi, RegisteredModel, ModelVersion, RegistryEvent, Lineage, CreateVersionInput, SearchModelsOptions } from './registry-api.ts';
export type { PromptsApi, PromptsApiOptions, Prompt, TextPrompt, ChatPrompt, PromptValues, GetPromptOptions, CreatePromptInput, PromptVersion, PromptSummary, PromptDiff, PromptLabelEvent, PromptUsage, PromptMessage } from './prompts-api.ts';
export type { ProjectsApi, CreatedProject } from './projects-api.ts';
export type { GatewayApi, GatewayUsageOptions, GatewayKey, GatewayConfigAnswer, GatewayConfigInput, GatewayUsageAnswer, GatewayUsageGroup, CreateGatewayKeyBody } from './gateway-api.ts';
export type { KeysApi, ApiKey, CreatedKey } from './keys-api.ts';
export type { ArtifactSource, TransferProgress, ProgressListener } from './to-upload-body.ts';
export type { KeyValues } from './to-key-values.ts';
export { startRun, type RunHandle, type StartRunOptions, type ParamValue } from './start-run.ts';
export type { Experiment, Run, RunInfo, RunStatus, Metric, KeyValue, Page, Project, Role, ViewType } from '@keel/spec';
export type { TracesApi, ListTracesOptions, ScoreInput, Score, SessionSummary, AggregateAnswer, CostTotalsAnswer, TracePage, SessionPage, TimeInput, TimeWindowInput } from './traces-api.ts';
export {
  createKeelTracing, wrapOpenAI, keelSpanKinds,
  type KeelTracing, type KeelTracingOptions, type SpanOptions, type StartSpanOptions, type SpanHandle, type TracingStats, type KeelSpanKind,
  type TraceLevelOptions, type OpenAiLike, type WrapOpenAiOptions, type OtlpEncoding, type OtlpCompression, type GenAiMessage, type GenAiPart,
} from './tracing/index.ts';
