export type { Clock, IdGenerator } from './ports.ts';
export { systemClock, randomIds } from './system-ports.ts';
export { createAuthService, type AuthService, type CreatedKey } from './auth/auth-service.ts';
export { hashApiKey, issueApiKey, apiKeyPrefix } from './auth/api-key-secret.ts';
export { createSignInLinks, type SignInLinks } from './auth/create-sign-in-links.ts';
export { createTrackingService, type TrackingService, type SearchRunsInput, type MetricHistoryInput } from './tracking/tracking-service.ts';
export { trackingLimits } from './tracking/tracking-limits.ts';
export { createRegistryService, type RegistryService, type Lineage } from './registry/registry-service.ts';
export { createArtifactService, type ArtifactService } from './artifacts/artifact-service.ts';
export { normalizeArtifactPath } from './artifacts/normalize-artifact-path.ts';
export { parseSearchFilter, parseOrderBy, type SearchTarget } from './search/index.ts';
export {
  buildSpanTree, createSpanWriteBuffer, createTraceIngestService, createTraceQueryService, decodeOtlpJson, decodeOtlpProtobuf, runTraceRetention, summarizeTrace,
  type NewScoreInput, type SpanNode, type SpanWriteBuffer, type TraceDetail, type TraceIngestService, type TraceQueryService,
} from './traces/index.ts';
export { createPromptService, compilePrompt, diffPromptVersions, diffLines, parseTemplateVariables, validateNewPromptVersion, type PromptService, type PromptVersionDiff, type PromptUsage, type CreatePromptInput } from './prompts/index.ts';
export { createSecretBox, type SecretBox } from './secrets/create-secret-box.ts';
export * from './gateway/config/index.ts';
export { createUsageRecorder, utcDay, type UsageRecord, type UsageRecorder, type UsageRecorderDeps } from './gateway/usage/create-usage-recorder.ts';
export * from './gateway/index.ts';
