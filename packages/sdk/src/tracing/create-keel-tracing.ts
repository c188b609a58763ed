import { type Attributes, type Context, ROOT_CONTEXT, type Span, SpanKind, type Tracer, context as globalContext, trace as globalTrace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { FetchLike } from '../create-transport.ts';
import { type RetryOptions, createRetryPolicy } from '../retry-policy.ts';
import { type TracingStats, createBatchSpanProcessor } from './create-batch-span-processor.ts';
import { type OtlpCompression, type OtlpEncoding, createOtlpSender } from './create-otlp-sender.ts';
import { type SpanHandle, createSpanHandle, setValueAttributes } from './create-span-handle.ts';
import { runInSpan } from './run-in-span.ts';
import { createTimeOrderedIdGenerator } from './time-ordered-id-generator.ts';
import { type KeelSpanKind, spanKindAttributes } from './span-kind-attributes.ts';
import { defaultMaxValueChars } from './to-attribute-text.ts';
import { type TraceLevelOptions, withTraceAttributes } from './trace-attributes.ts';

export interface KeelTracingOptions {
  /** Where Keel listens, e.g. http://127.0.0.1:4000; spans go to `{url}/v1/traces`. */
  url: string;
  apiKey: string;
  /** The resource's `service.name` (default `unknown_service`). */
  serviceName?: string | undefined;
  /** More resource attributes (deployment.environment, service.version, ...). */
  resourceAttributes?: Attributes | undefined;
  /** Defaults to globalThis.fetch, looked up per request. */
  fetch?: FetchLike | undefined;
  /** Send what is queued at least this often (default 1000 ms). */
  flushIntervalMs?: number | undefined;
  /** Spans per request; a full batch is sent at once (default 512). */
  maxBatchSize?: number | undefined;
  /** Spans held in memory; past it the oldest are dropped and counted (default 10 000). */
  maxQueueSize?: number | undefined;
  /** Called for each batch that could not be sent or was partly rejected (default: nothing). Never awaited. */
  onError?: ((error: Error) => void) | undefined;
  /** Wire encoding (default protobuf, the smaller and faster to encode). */
  encoding?: OtlpEncoding | undefined;
  /** Default gzip: span bodies are repetitive JSON-ish text and shrink several times. */
  compression?: OtlpCompression | undefined;
  /** Backoff for 429, 5xx and network failures (default 5 tries); `false` sends each batch once. */
  retry?: RetryOptions | false | undefined;
  /** Per request (default 10 s). */
  timeoutMs?: number | undefined;
  /** Bound on each recorded input, output and message text (default 32 768 characters). */
  maxValueChars?: number | undefined;
  /** Also install this provider and context manager as OpenTelemetry's globals (default false). */
  register?: boolean | undefined;
}

export interface SpanOptions extends TraceLevelOptions {
  kind?: KeelSpanKind | undefined;
  attributes?: Attributes | undefined;
  /** Recorded as `input.value` (strings as they are, anything else as JSON, bounded). */
  input?: unknown;
}

export interface StartSpanOptions extends TraceLevelOptions {
  /** OpenTelemetry's span kind (default INTERNAL); LLM calls are CLIENT. */
  otelKind?: SpanKind | undefined;
  attributes?: Attributes | undefined;
}

export interface KeelTracing {
  /**
   * The OpenTelemetry tracer. Its startActiveSpan() and other instrumentations see this tracing's
   * context only with `register: true`; trace() and span() need no globals.
   */
  readonly tracer: Tracer;
  /** Runs `fn` in a new root span: a new trace, whatever span is active. Session, user and tags go on every span of the trace. */
  trace<T>(name: string, fn: (span: SpanHandle) => T, options?: SpanOptions): T;
  /** Runs `fn` in a span, child of the active one. */
  span<T>(name: string, fn: (span: SpanHandle) => T, options?: SpanOptions): T;
  /** Starts a span, child of the active one, without making it active; the caller ends it. */
  startSpan(name: string, options?: StartSpanOptions): Span;
  /** The context active here (this tracing's, not OpenTelemetry's global one). */
  activeContext(): Context;
  readonly maxValueChars: number;
  /** Resolves once every span ended so far was accepted, rejected or dropped. Never rejects. */
  flush(): Promise<void>;
  /** Flushes, then stops the timer; spans ended afterwards are dropped. */
  shutdown(): Promise<void>;
  stats(): TracingStats;
}

/** Background retries must not hold the process open; flush() and shutdown() hold it while they wait. */
const unrefSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/**
 * LLM tracing that sends OTLP to Keel: spans batch in memory and leave in the background, and
 * nothing here ever throws into, blocks, or keeps alive the application it observes.
 */
export function createKeelTracing(options: KeelTracingOptions): KeelTracing {
  if (options.url.trim() === '') throw new TypeError('createKeelTracing: url is required');
  if (options.apiKey.trim() === '') throw new TypeError('createKeelTracing: apiKey is required');
  const maxValueChars = options.maxValueChars ?? defaultMaxValueChars;
  const retry = createRetryPolicy(options.retry === false ? false : { sleep: unrefSleep, ...options.retry });
  const sender = createOtlpSender({
    endpoint: `${options.url.replace(/\/+$/, '')}/v1/traces`,
    apiKey: options.apiKey,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    encoding: options.encoding ?? 'protobuf',
    compression: options.compression ?? 'gzip',
    retry,
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  const processor = createBatchSpanProcessor({
    sender,
    flushIntervalMs: options.flushIntervalMs ?? 1000,
    maxBatchSize: options.maxBatchSize ?? 512,
    maxQueueSize: options.maxQueueSize ?? 10_000,
    onError: options.onError ?? (() => undefined),
  });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'unknown_service', ...options.resourceAttributes }),
    spanProcessors: [processor],
    idGenerator: createTimeOrderedIdGenerator(),
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const tracer = provider.getTracer('@keel/sdk');
  if (options.register === true) {
    globalTrace.setGlobalTracerProvider(provider);
    globalContext.setGlobalContextManager(contextManager);
  }

  const run = <T>(root: boolean, name: string, fn: (span: SpanHandle) => T, spanOptions: SpanOptions = {}): T => {
    const parent = withTraceAttributes(root ? ROOT_CONTEXT : contextManager.active(), spanOptions);
    const attributes = spanOptions.kind === undefined ? spanOptions.attributes : { ...spanKindAttributes(spanOptions.kind, name), ...spanOptions.attributes };
    const span = tracer.startSpan(name, { attributes, root }, parent);
    if (spanOptions.input !== undefined) setValueAttributes(span, 'input', spanOptions.input, maxValueChars);
    const handle = createSpanHandle(span, maxValueChars);
    return runInSpan(contextManager, globalTrace.setSpan(parent, span), handle, fn, maxValueChars);
  };

  let shutdown: Promise<void> | undefined;
  return {
    tracer,
    trace: (name, fn, spanOptions) => run(true, name, fn, spanOptions),
    span: (name, fn, spanOptions) => run(false, name, fn, spanOptions),
    startSpan(name, startOptions = {}) {
      const parent = withTraceAttributes(contextManager.active(), startOptions);
      return tracer.startSpan(name, { kind: startOptions.otelKind ?? SpanKind.INTERNAL, attributes: startOptions.attributes }, parent);
    },
    activeContext: () => contextManager.active(),
    maxValueChars,
    flush: () => processor.forceFlush(),
    shutdown() {
      shutdown ??= provider.shutdown().then(() => {
        if (options.register === true) {
          globalTrace.disable();
          globalContext.disable();
        }
      });
      return shutdown;
    },
    stats: () => processor.stats(),
  };
}
