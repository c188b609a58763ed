import type { SpanStatus } from '@keel/spec';

/** The trace list's filters as the URL keeps them; every one maps to a parameter of GET /api/v1/traces. */
export interface TraceFilters {
  name: string;
  userId: string;
  sessionId: string;
  tag: string;
  model: string;
  text: string;
  errorsOnly: boolean;
  minLatencyMs: string;
  minCost: string;
}

export const filterKeys = ['name', 'userId', 'sessionId', 'tag', 'model', 'text', 'minLatencyMs', 'minCost'] as const;

export function readTraceFilters(params: URLSearchParams): TraceFilters {
  const text = (key: string) => params.get(key) ?? '';
  return {
    name: text('name'), userId: text('userId'), sessionId: text('sessionId'), tag: text('tag'), model: text('model'), text: text('text'),
    errorsOnly: params.get('status') === 'error', minLatencyMs: text('minLatencyMs'), minCost: text('minCost'),
  };
}

const nonNegative = (text: string): number | undefined => {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
};
const present = (text: string): string | undefined => (text.trim() === '' ? undefined : text.trim());

/** The API options for the filters (blank ones left out). */
export function traceFilterQuery(filters: TraceFilters): {
  name?: string; userId?: string; sessionId?: string; tag?: string; model?: string; text?: string; status?: SpanStatus; minLatencyMs?: number; minCost?: number;
} {
  const query: ReturnType<typeof traceFilterQuery> = {};
  const name = present(filters.name);
  if (name !== undefined) query.name = name;
  const userId = present(filters.userId);
  if (userId !== undefined) query.userId = userId;
  const sessionId = present(filters.sessionId);
  if (sessionId !== undefined) query.sessionId = sessionId;
  const tag = present(filters.tag);
  if (tag !== undefined) query.tag = tag;
  const model = present(filters.model);
  if (model !== undefined) query.model = model;
  const text = present(filters.text);
  if (text !== undefined) query.text = text.slice(0, 200);
  if (filters.errorsOnly) query.status = 'error';
  const minLatencyMs = nonNegative(filters.minLatencyMs);
  if (minLatencyMs !== undefined) query.minLatencyMs = minLatencyMs;
  const minCost = nonNegative(filters.minCost);
  if (minCost !== undefined) query.minCost = minCost;
  return query;
}

/** Writes the filters into URL parameters, removing blank ones and keeping the others (window, ...). */
export function writeTraceFilters(params: URLSearchParams, filters: TraceFilters): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const key of filterKeys) {
    const value = filters[key].trim();
    if (value === '') next.delete(key);
    else next.set(key, value);
  }
  if (filters.errorsOnly) next.set('status', 'error');
  else next.delete('status');
  return next;
}
