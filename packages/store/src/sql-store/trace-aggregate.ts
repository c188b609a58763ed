import type { AggregateGroup, AggregateRow, TraceStore } from '@keel/spec';
import type { SqlDriver, SqlValue } from '../drivers/sql-driver.ts';
import { groupKey, latencyPercentiles } from './trace-percentiles.ts';

const dayUs = 86_400_000_000;

/** Every group expression reads columns of the covering generations index only. */
const groupExpressions: Record<AggregateGroup, string> = {
  model: 'model',
  provider: 'provider',
  user: 'user_id',
  prompt_version: "prompt_name || '@' || prompt_version",
  day: `start_us / ${dayUs}`,
};

const none = '(none)';

function groupLabel(groupBy: AggregateGroup, value: unknown): string {
  if (value === null || value === undefined) return none;
  if (groupBy === 'day') return new Date(Number(value) * (dayUs / 1000)).toISOString().slice(0, 10);
  return String(value);
}

/** Generations (spans that name a model) in the window by span start, grouped. */
export function createAggregate(db: SqlDriver): TraceStore['aggregate'] {
  return async (projectId, query) => {
    const group = groupExpressions[query.groupBy];
    const where = ['project_id = ?', 'model IS NOT NULL', 'start_us >= ?', 'start_us < ?'];
    const params: SqlValue[] = [projectId, query.fromUs, query.toUs];
    if (query.model !== undefined) {
      where.push('model = ?');
      params.push(query.model);
    }
    if (query.promptName !== undefined) {
      where.push('prompt_name = ?');
      params.push(query.promptName);
    }
    const from = `FROM spans WHERE ${where.join(' AND ')}`;
    const [rows, latencies] = await Promise.all([
      db.all(
        `SELECT ${group} AS g, COUNT(*) AS n, COUNT(DISTINCT trace_id) AS trace_count,
           SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(cost) AS cost
         ${from} GROUP BY 1`,
        params,
      ),
      latencyPercentiles(db, { group, from, params }),
    ]);
    const result = rows.map((row): AggregateRow => {
      const [p50 = 0, p95 = 0, p99 = 0] = latencies.get(groupKey(row.g)) ?? [];
      return {
        group: groupLabel(query.groupBy, row.g),
        count: Number(row.n),
        traceCount: Number(row.trace_count),
        inputTokens: Number(row.input_tokens ?? 0),
        outputTokens: Number(row.output_tokens ?? 0),
        cost: Number(row.cost ?? 0),
        latencyP50Ms: p50,
        latencyP95Ms: p95,
        latencyP99Ms: p99,
      };
    });
    return result.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  };
}
