export { createKeelTracing, type KeelTracing, type KeelTracingOptions, type SpanOptions, type StartSpanOptions } from './create-keel-tracing.ts';
export type { TracingStats } from './create-batch-span-processor.ts';
export type { OtlpEncoding, OtlpCompression } from './create-otlp-sender.ts';
export type { SpanHandle } from './create-span-handle.ts';
export { keelSpanKinds, type KeelSpanKind } from './span-kind-attributes.ts';
export type { TraceLevelOptions } from './trace-attributes.ts';
export { wrapOpenAI, type OpenAiLike, type WrapOpenAiOptions } from './wrap-openai.ts';
export type { GenAiMessage, GenAiPart } from './to-gen-ai-messages.ts';
