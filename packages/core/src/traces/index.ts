export { buildSpanRecord, nanosToMicros, maxStoredTextChars } from './build-span-record.ts';
export type { CostCalculator } from './cost/index.ts';
export { buildSpanTree, type SpanNode } from './build-span-tree.ts';
export { summarizeTrace } from './summarize-trace.ts';
export { createSpanWriteBuffer, type SpanWriteBuffer, type SpanWriteBufferStats } from './span-write-buffer.ts';
export { createTraceIngestService, type TraceIngestService, type TraceIngestOptions } from './trace-ingest-service.ts';
export { createTraceQueryService, type TraceQueryService, type TraceDetail, type NewScoreInput } from './trace-query-service.ts';
export { runTraceRetention } from './run-trace-retention.ts';
export { decodeOtlpJson, decodeOtlpProtobuf } from './otlp/index.ts';
