import type { Page } from '../domain/tracking.ts';
import type {
  AggregateQuery,
  AggregateRow,
  CostTotalsQuery,
  CostTotalsRow,
  NewScore,
  PromptUsageRow,
  Score,
  SessionListQuery,
  SessionSummary,
  SpanRecord,
  TimeWindow,
  TraceListQuery,
  TraceSettings,
  TraceSummary,
} from '../domain/traces.ts';

export interface ProjectSpan {
  projectId: number;
  span: SpanRecord;
}

/**
 * A span whose raw record was already turned into the text the store keeps for it (the store's
 * `packSpanRaw`), without the record: the span writer's main thread packs spans before it hands
 * them to the thread (as arrays, `packed-span-wire.ts` in the server), which then neither copies nor
 * packs the nested object (ADR 0018).
 */
export interface PackedProjectSpan {
  projectId: number;
  span: Omit<SpanRecord, 'raw'>;
  rawText: string;
}

export interface TraceStore {
  /**
   * Appends spans (possibly of several projects) in one transaction; resolved only once durable.
   * A span whose (project, trace id, span id) is already stored is skipped, so an exporter's retry is harmless.
   */
  insertSpans(spans: readonly (ProjectSpan | PackedProjectSpan)[]): Promise<void>;
  /** Newest first. */
  listTraces(projectId: number, query: TraceListQuery): Promise<Page<TraceSummary>>;
  /** The spans of one trace ordered by start time; empty when the trace is unknown in this project. */
  getTraceSpans(projectId: number, traceId: string): Promise<SpanRecord[]>;
  listSessions(projectId: number, query: SessionListQuery): Promise<Page<SessionSummary>>;
  /** The traces of one session, oldest first. */
  getSessionTraces(projectId: number, sessionId: string, options: { limit: number; pageToken?: string | undefined }): Promise<Page<TraceSummary>>;
  aggregate(projectId: number, query: AggregateQuery): Promise<AggregateRow[]>;
  /** Count, tokens and cost of generations grouped by one or two dimensions, ordered by the groups. */
  costTotals(projectId: number, query: CostTotalsQuery): Promise<CostTotalsRow[]>;
  /** Usage per version of one prompt, over spans that carry its name and version. */
  promptUsage(projectId: number, promptName: string, window: TimeWindow): Promise<PromptUsageRow[]>;

  createScore(projectId: number, score: NewScore, id: string, now: number): Promise<Score>;
  listScores(projectId: number, traceId: string): Promise<Score[]>;

  getTraceSettings(projectId: number): Promise<TraceSettings>;
  setTraceSettings(projectId: number, settings: TraceSettings): Promise<void>;
  /** Projects whose settings set a retention time. */
  listRetention(): Promise<{ projectId: number; retentionDays: number }[]>;
  /** Deletes up to `limit` spans (and their scores) that started before `beforeUs`; returns how many. */
  deleteSpansBefore(projectId: number, beforeUs: number, limit: number): Promise<number>;
}
