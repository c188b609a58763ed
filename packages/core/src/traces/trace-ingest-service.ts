import type { Clock } from '../ports.ts';
import { KeelError, type OtlpSpan, type ProjectSpan, type TraceSettings, type TraceStore } from '@keel/spec';
import { buildSpanRecord } from './build-span-record.ts';
import { type CostCalculator, createCostCalculator } from './cost/index.ts';
import { mapSpanMeaning, spanMapperVersion } from './meaning/index.ts';
import { createPiiMasker } from './pii/index.ts';
import { createSpanWriteBuffer, type SpanWriteBuffer, type SpanWriteBufferStats } from './span-write-buffer.ts';

export interface TraceIngestOptions {
  /** A TraceStore, or the span writer thread (which takes the rows this service builds). */
  store: Pick<TraceStore, 'getTraceSettings'> & { insertSpans(spans: ProjectSpan[]): Promise<void> };
  clock: Clock;
  maxQueuedSpans: number;
  maxBatchSpans: number;
  /** Batches handed to the store before the first is durable (default 1): more when the store writes from another thread, which then has the next batch in hand when it commits one. */
  writesInFlight?: number | undefined;
  retryAfterSeconds: number;
  /** How long a project's settings (PII rules, prices) are reused before being read again. */
  settingsTtlMs: number;
  /**
   * OTLP requests being read, decoded or written at once. Past it a request is refused before its
   * body is read: when decoding, not writing, is the bottleneck, the span queue never fills, and
   * without this bound requests would pile up unanswered instead of hearing 503.
   */
  maxActiveRequests: number;
  /**
   * True while the process is saturated (the event loop busy nearly all the time). Requests then
   * wait in socket buffers, where no count of admitted requests sees them; past
   * `busyActiveRequests` admitted requests, a saturated server refuses new ones instead.
   */
  isSaturated?: (() => boolean) | undefined;
  busyActiveRequests?: number | undefined;
}

export interface TraceIngestService {
  /** Admits one OTLP request, or throws TEMPORARILY_UNAVAILABLE; call the returned function when it is answered. */
  admit(): () => void;
  /** Masks, interprets and prices the spans, then resolves once they are durable. */
  ingest(projectId: number, spans: OtlpSpan[]): Promise<void>;
  /** Settings changed through this server take effect at once. */
  invalidateSettings(projectId: number): void;
  /** The project's price table (shipped prices and its overrides), as used at ingest; the gateway prices calls with it too. */
  costFor(projectId: number): Promise<CostCalculator>;
  drain(): Promise<void>;
  stats(): SpanWriteBufferStats & { activeRequests: number; refusedRequests: number };
}

interface ProjectPipeline {
  mask: ((span: OtlpSpan) => OtlpSpan) | null;
  cost: CostCalculator;
  loadedAt: number;
}

export function createTraceIngestService(options: TraceIngestOptions): TraceIngestService {
  const buffer: SpanWriteBuffer = createSpanWriteBuffer({
    write: (spans) => options.store.insertSpans(spans),
    maxQueuedSpans: options.maxQueuedSpans,
    maxBatchSpans: options.maxBatchSpans,
    writesInFlight: options.writesInFlight,
    retryAfterSeconds: options.retryAfterSeconds,
  });
  const pipelines = new Map<number, ProjectPipeline>();
  const loading = new Map<number, Promise<ProjectPipeline>>();

  function build(settings: TraceSettings): ProjectPipeline {
    return { mask: createPiiMasker(settings.pii), cost: createCostCalculator(settings.prices), loadedAt: options.clock.now() };
  }

  async function pipelineFor(projectId: number): Promise<ProjectPipeline> {
    const cached = pipelines.get(projectId);
    if (cached !== undefined && options.clock.now() - cached.loadedAt < options.settingsTtlMs) return cached;
    const inFlight = loading.get(projectId);
    if (inFlight !== undefined) return inFlight;
    const load = options.store
      .getTraceSettings(projectId)
      .then((settings) => {
        const pipeline = build(settings);
        pipelines.set(projectId, pipeline);
        return pipeline;
      })
      .finally(() => loading.delete(projectId));
    loading.set(projectId, load);
    return load;
  }

  let activeRequests = 0;
  let refusedRequests = 0;
  return {
    admit() {
      const saturated = activeRequests >= (options.busyActiveRequests ?? 8) && options.isSaturated?.() === true;
      // A full write queue would refuse the request's spans anyway: say so before its body is read
      // and decoded, which under overload only made garbage (and resident memory) out of bodies.
      const queueFull = buffer.stats().queuedSpans >= options.maxQueuedSpans;
      if (activeRequests >= options.maxActiveRequests || saturated || queueFull) {
        refusedRequests += 1;
        const reason = queueFull ? `${options.maxQueuedSpans} spans waiting to be written` : `${activeRequests} OTLP requests in progress${saturated ? ', CPU saturated' : ''}`;
        throw new KeelError('TEMPORARILY_UNAVAILABLE', `Keel is busy ingesting traces (${reason}); retry after ${options.retryAfterSeconds} s`, {
          details: { retry_after_seconds: options.retryAfterSeconds },
        });
      }
      activeRequests += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        activeRequests -= 1;
      };
    },
    async ingest(projectId, spans) {
      if (spans.length === 0) return;
      const pipeline = await pipelineFor(projectId);
      const rows: ProjectSpan[] = new Array<ProjectSpan>(spans.length);
      for (let index = 0; index < spans.length; index += 1) {
        const decoded = spans[index] as OtlpSpan;
        const span = pipeline.mask === null ? decoded : pipeline.mask(decoded);
        rows[index] = { projectId, span: buildSpanRecord(span, mapSpanMeaning(span), pipeline.cost, spanMapperVersion) };
      }
      // Returned, not awaited: this frame (and the spans it holds) ends here instead of when the rows are durable.
      return buffer.submit(rows);
    },
    invalidateSettings(projectId) {
      pipelines.delete(projectId);
    },
    costFor: async (projectId) => (await pipelineFor(projectId)).cost,
    drain: () => buffer.drain(),
    stats: () => ({ ...buffer.stats(), activeRequests, refusedRequests }),
  };
}
