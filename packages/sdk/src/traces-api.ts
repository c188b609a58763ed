import {
  aggregateAnswerSchema,
  costTotalsAnswerSchema,
  scoreSchema,
  sessionPageSchema,
  traceDetailSchema,
  traceSummaryPageSchema,
  type AggregateGroup,
  type CostTotalGroup,
  type ScoreDataType,
  type ScoreSource,
  type SpanStatus,
  type WireTraceDetail,
} from '@keel/spec';
import type { z } from 'zod';
import { type Transport, segment } from './create-transport.ts';

/** A time: a Date, milliseconds since the epoch, or an ISO 8601 text. */
export type TimeInput = Date | number | string;

export interface TimeWindowInput {
  from: TimeInput;
  to: TimeInput;
}

export interface ListTracesOptions extends TimeWindowInput {
  name?: string;
  userId?: string;
  sessionId?: string;
  model?: string;
  status?: SpanStatus;
  tag?: string;
  minLatencyMs?: number;
  minCost?: number;
  text?: string;
  limit?: number;
  pageToken?: string;
}

export type Score = z.infer<typeof scoreSchema>;
export type TracePage = z.infer<typeof traceSummaryPageSchema>;
export type SessionPage = z.infer<typeof sessionPageSchema>;
export type SessionSummary = z.infer<typeof sessionPageSchema>['items'][number];
export type AggregateAnswer = z.infer<typeof aggregateAnswerSchema>;
export type CostTotalsAnswer = z.infer<typeof costTotalsAnswerSchema>;

export interface ScoreInput {
  name: string;
  dataType: ScoreDataType;
  value: number | boolean | string;
  spanId?: string;
  source?: ScoreSource;
  comment?: string;
}

export interface TracesApi {
  list(options: ListTracesOptions): Promise<TracePage>;
  get(traceId: string): Promise<WireTraceDetail>;
  score(traceId: string, score: ScoreInput): Promise<Score>;
  sessions(options: TimeWindowInput & { userId?: string; limit?: number; pageToken?: string }): Promise<SessionPage>;
  sessionTraces(sessionId: string, options?: { limit?: number; pageToken?: string }): Promise<TracePage>;
  /**
   * Count, tokens, cost and latency percentiles of generations; `serviceName: 'keel-gateway'` keeps the gateway's own spans,
   * and `groupBy: 'gateway_key'` groups them by the virtual key (`(none)`: calls made with a project API key).
   */
  metrics(options: TimeWindowInput & { groupBy: AggregateGroup; model?: string; promptName?: string; serviceName?: string }): Promise<AggregateAnswer>;
  /** Count, tokens and cost by one or two dimensions, e.g. `['model', 'day']` (not by gateway key: the gateway's usage has cost per key). */
  costs(options: TimeWindowInput & { groupBy: CostTotalGroup[]; model?: string; promptName?: string }): Promise<CostTotalsAnswer>;
}

const toQueryTime = (time: TimeInput): string => (time instanceof Date ? String(time.getTime()) : String(time));

function toQuery(options: object): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    query[key] = key === 'from' || key === 'to' ? toQueryTime(value as TimeInput) : String(value);
  }
  return query;
}

export function createTracesApi(transport: Transport): TracesApi {
  return {
    list: (options) => transport.request({ method: 'GET', path: '/api/v1/traces', query: toQuery(options), schema: traceSummaryPageSchema }),
    get: (traceId) => transport.request({ method: 'GET', path: `/api/v1/traces/${segment(traceId)}`, schema: traceDetailSchema }),
    score: (traceId, score) => transport.request({ method: 'POST', path: `/api/v1/traces/${segment(traceId)}/scores`, json: score, schema: scoreSchema }),
    sessions: (options) => transport.request({ method: 'GET', path: '/api/v1/sessions', query: toQuery(options), schema: sessionPageSchema }),
    sessionTraces: (sessionId, options = {}) =>
      transport.request({ method: 'GET', path: `/api/v1/sessions/${segment(sessionId)}/traces`, query: toQuery(options), schema: traceSummaryPageSchema }),
    metrics: (options) => transport.request({ method: 'GET', path: '/api/v1/trace-metrics', query: toQuery(options), schema: aggregateAnswerSchema }),
    costs: ({ groupBy, ...options }) =>
      transport.request({ method: 'GET', path: '/api/v1/trace-costs', query: { ...toQuery(options), groupBy: groupBy.join(',') }, schema: costTotalsAnswerSchema }),
  };
}
