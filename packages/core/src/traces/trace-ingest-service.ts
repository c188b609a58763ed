import type { Clock } from '../ports.ts';
import type { OtlpSpan, ProjectSpan, TraceSettings, TraceStore } from '@keel/spec';
import { buildSpanRecord, type CostCalculator } from './build-span-record.ts';
import { createCostCalculator } from './cost/index.ts';
import { mapSpanMeaning, spanMapperVersion } from './meaning/index.ts';
import { createPiiMasker } from './pii/index.ts';
import { createSpanWriteBuffer, type SpanWriteBuffer, type SpanWriteBufferStats } from './span-write-buffer.ts';

export interface TraceIngestOptions {
  store: Pick<TraceStore, 'insertSpans' | 'getTraceSettings'>;
  clock: Clock;
  maxQueuedSpans: number;
  maxBatchSpans: number;
  retryAfterSeconds: number;
  /** How long a project's settings (PII rules, prices) are reused before being read again. */
  settingsTtlMs: number;
}

export interface TraceIngestService {
  /** Masks, interprets and prices the spans, then resolves once they are durable. */
  ingest(projectId: number, spans: OtlpSpan[]): Promise<void>;
  /** Settings changed through this server take effect at once. */
  invalidateSettings(projectId: number): void;
  drain(): Promise<void>;
  stats(): SpanWriteBufferStats;
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

  return {
    async ingest(projectId, spans) {
      if (spans.length === 0) return;
      const pipeline = await pipelineFor(projectId);
      const rows: ProjectSpan[] = new Array<ProjectSpan>(spans.length);
      for (let index = 0; index < spans.length; index += 1) {
        const decoded = spans[index] as OtlpSpan;
        const span = pipeline.mask === null ? decoded : pipeline.mask(decoded);
        rows[index] = { projectId, span: buildSpanRecord(span, mapSpanMeaning(span), pipeline.cost, spanMapperVersion) };
      }
      await buffer.submit(rows);
    },
    invalidateSettings(projectId) {
      pipelines.delete(projectId);
    },
    drain: () => buffer.drain(),
    stats: () => buffer.stats(),
  };
}
