import type { AggregateGroup, AggregateRow, TraceStore } from '@keel/spec';
import type { Dialect, SqlDriver, SqlValue } from '../drivers/sql-driver.ts';
import { generationsInWindow } from './span-chunks.ts';
import { generationStats } from './trace-generation-stats.ts';

const dayUs = 86_400_000_000;

/** Every group expression, and the service filter, reads columns of the covering generations index only (migrations 6 and 14). */
export const groupExpressions: Record<AggregateGroup, string> = {
  model: 'model',
  provider: 'provider',
  user: 'user_id',
  prompt_version: "prompt_name || '@' || prompt_version",
  day: `start_us / ${dayUs}`,
  gateway_key: 'gateway_key',
};

const none = '(none)';

export function groupLabel(groupBy: AggregateGroup, value: unknown): string {
  if (value === null || value === undefined) return none;
  if (groupBy === 'day') return new Date(Number(value) * (dayUs / 1000)).toISOString().slice(0, 10);
  return String(value);
}

/** The WHERE clause over generations (spans that name a model) in the window by span start. */
export function generationFilter(dialect: Dialect, projectId: number, query: { fromUs: number; toUs: number; model?: string | undefined; promptName?: string | undefined; serviceName?: string | undefined }): { from: string; params: SqlValue[] } {
  const { from, where, params } = generationsInWindow(dialect, projectId, query.fromUs, query.toUs);
  pushModelAndPromptFilters(where, params, query);
  if (query.serviceName !== undefined) {
    where.push('service_name = ?');
    params.push(query.serviceName);
  }
  return { from: `${from} WHERE ${where.join(' AND ')}`, params };
}

/** The optional model and prompt filters, on tables that name them `model` and `prompt_name`. */
export function pushModelAndPromptFilters(where: string[], params: SqlValue[], query: { model?: string | undefined; promptName?: string | undefined }): void {
  if (query.model !== undefined) {
    where.push('model = ?');
    params.push(query.model);
  }
  if (query.promptName !== undefined) {
    where.push('prompt_name = ?');
    params.push(query.promptName);
  }
}

/** Generations in the window, grouped, with exact latency percentiles. */
export function createAggregate(db: SqlDriver): TraceStore['aggregate'] {
  return async (projectId, query) => {
    const group = groupExpressions[query.groupBy];
    const { from, params } = generationFilter(db.dialect, projectId, query);
    const stats = await generationStats(db, { group, from, params });
    const result = stats.map((entry): AggregateRow => ({
      group: groupLabel(query.groupBy, entry.group),
      count: entry.count,
      traceCount: entry.traceCount,
      inputTokens: entry.inputTokens,
      outputTokens: entry.outputTokens,
      cost: entry.cost,
      latencyP50Ms: entry.latencies[0],
      latencyP95Ms: entry.latencies[1],
      latencyP99Ms: entry.latencies[2],
    }));
    return result.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  };
}
