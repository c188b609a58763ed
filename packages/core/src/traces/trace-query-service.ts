import {
  KeelError,
  notFound,
  type AggregateQuery,
  type AggregateRow,
  type CostTotalsQuery,
  type CostTotalsRow,
  type Page,
  type Score,
  type ScoreDataType,
  type ScoreSource,
  type SessionListQuery,
  type SessionSummary,
  type TraceListQuery,
  type TraceSettings,
  type TraceStore,
  type TraceSummary,
} from '@keel/spec';
import type { Clock, IdGenerator } from '../ports.ts';
import { buildSpanTree, type SpanNode } from './build-span-tree.ts';
import { summarizeTrace } from './summarize-trace.ts';
import { modelPriceSchema } from './cost/index.ts';
import { customPiiPatternProblem } from './pii/index.ts';

export interface TraceDetail {
  trace: TraceSummary;
  spans: SpanNode[];
  scores: Score[];
}

export interface NewScoreInput {
  name: string;
  dataType: ScoreDataType;
  value: number | boolean | string;
  spanId?: string | undefined;
  source: ScoreSource;
  comment: string;
}

export interface TraceQueryService {
  listTraces(projectId: number, query: TraceListQuery): Promise<Page<TraceSummary>>;
  getTrace(projectId: number, traceId: string): Promise<TraceDetail>;
  listSessions(projectId: number, query: SessionListQuery): Promise<Page<SessionSummary>>;
  getSessionTraces(projectId: number, sessionId: string, options: { limit: number; pageToken?: string | undefined }): Promise<Page<TraceSummary>>;
  aggregate(projectId: number, query: AggregateQuery): Promise<AggregateRow[]>;
  costTotals(projectId: number, query: CostTotalsQuery): Promise<CostTotalsRow[]>;
  createScore(projectId: number, traceId: string, input: NewScoreInput, author: string): Promise<Score>;
  listScores(projectId: number, traceId: string): Promise<Score[]>;
  getSettings(projectId: number): Promise<TraceSettings>;
  /** Validates regular expressions (PII patterns, price patterns) before storing. */
  setSettings(projectId: number, settings: TraceSettings): Promise<TraceSettings>;
}

export function createTraceQueryService(deps: { store: TraceStore; clock: Clock; ids: IdGenerator }): TraceQueryService {
  const { store } = deps;
  return {
    listTraces: (projectId, query) => store.listTraces(projectId, query),
    async getTrace(projectId, traceId) {
      const spans = await store.getTraceSpans(projectId, traceId);
      const trace = summarizeTrace(spans);
      if (trace === undefined) throw notFound(`Trace '${traceId}' does not exist`);
      return { trace, spans: buildSpanTree(spans), scores: await store.listScores(projectId, traceId) };
    },
    listSessions: (projectId, query) => store.listSessions(projectId, query),
    async getSessionTraces(projectId, sessionId, options) {
      const page = await store.getSessionTraces(projectId, sessionId, options);
      if (page.items.length === 0 && options.pageToken === undefined) throw notFound(`Session '${sessionId}' does not exist`);
      return page;
    },
    aggregate: (projectId, query) => store.aggregate(projectId, query),
    costTotals: (projectId, query) => store.costTotals(projectId, query),
    createScore(projectId, traceId, input, author) {
      const value = typeof input.value === 'number' ? input.value : typeof input.value === 'boolean' ? (input.value ? 1 : 0) : null;
      const label = typeof input.value === 'string' ? input.value : typeof input.value === 'boolean' ? String(input.value) : null;
      return store.createScore(
        projectId,
        { traceId, spanId: input.spanId ?? null, name: input.name, dataType: input.dataType, value, label, source: input.source, comment: input.comment, author },
        deps.ids.hexId(),
        deps.clock.now(),
      );
    },
    async listScores(projectId, traceId) {
      const scores = await store.listScores(projectId, traceId);
      if (scores.length === 0 && (await store.getTraceSpans(projectId, traceId)).length === 0) throw notFound(`Trace '${traceId}' does not exist`);
      return scores;
    },
    getSettings: (projectId) => store.getTraceSettings(projectId),
    async setSettings(projectId, settings) {
      settings.pii.custom.forEach((custom, index) => {
        const problem = customPiiPatternProblem(custom.pattern);
        if (problem !== null) throw new KeelError('INVALID_PARAMETER_VALUE', `pii.custom[${index}] '${custom.name}': ${problem}`);
      });
      settings.prices.forEach((price, index) => {
        const parsed = modelPriceSchema.safeParse(price);
        if (!parsed.success) throw new KeelError('INVALID_PARAMETER_VALUE', `prices[${index}]: ${parsed.error.issues[0]?.message ?? 'invalid price'}`);
      });
      await store.setTraceSettings(projectId, settings);
      return store.getTraceSettings(projectId);
    },
  };
}
