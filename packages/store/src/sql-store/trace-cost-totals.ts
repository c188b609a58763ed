import type { CostTotalGroup, CostTotalsQuery, CostTotalsRow, TraceStore } from '@keel/spec';
import type { SqlDriver, SqlRow, SqlValue } from '../drivers/sql-driver.ts';
import { dayUs } from './generation-daily.ts';
import { generationFilter, groupExpressions, groupLabel, pushModelAndPromptFilters } from './trace-aggregate.ts';

/**
 * The same groups over `generation_daily`, where absent values are '' and -1. It has no users
 * (migration 13, ADR 0019): totals by user are summed from the generations.
 */
const dailyExpressions: Record<Exclude<CostTotalGroup, 'user'>, string> = {
  model: 'model',
  provider: "NULLIF(provider, '')",
  prompt_version: "CASE WHEN prompt_name = '' OR prompt_version < 0 THEN NULL ELSE prompt_name || '@' || prompt_version END",
  day: 'day',
};

const sums = (count: string, input: string, output: string, cost: string) => `${count} AS n, SUM(${input}) AS input_tokens, SUM(${output}) AS output_tokens, SUM(${cost}) AS cost`;

async function fromSpans(db: SqlDriver, projectId: number, query: CostTotalsQuery, fromUs: number, toUs: number): Promise<SqlRow[]> {
  const groups = query.groupBy.map((group, index) => `${groupExpressions[group]} AS g${index}`);
  const { from, params } = generationFilter(db.dialect, projectId, { ...query, fromUs, toUs });
  return db.all(`SELECT ${groups.join(', ')}, ${sums('COUNT(*)', 'COALESCE(input_tokens, 0)', 'COALESCE(output_tokens, 0)', 'COALESCE(cost, 0)')} ${from} GROUP BY ${query.groupBy.map((_g, index) => `g${index}`).join(', ')}`, params);
}

async function fromDaily(db: SqlDriver, projectId: number, query: CostTotalsQuery, groupBy: readonly Exclude<CostTotalGroup, 'user'>[], fromDay: number, toDay: number): Promise<SqlRow[]> {
  const groups = groupBy.map((group, index) => `${dailyExpressions[group]} AS g${index}`);
  const where = ['project_id = ?', 'day >= ?', 'day < ?'];
  const params: SqlValue[] = [projectId, fromDay, toDay];
  pushModelAndPromptFilters(where, params, query);
  return db.all(
    `SELECT ${groups.join(', ')}, ${sums('SUM(generations)', 'input_tokens', 'output_tokens', 'cost')} FROM generation_daily WHERE ${where.join(' AND ')} GROUP BY ${query.groupBy.map((_g, index) => `g${index}`).join(', ')}`,
    params,
  );
}

/** The groups when none is by user: then whole days can come from `generation_daily`. */
const withoutUsers = (groupBy: readonly CostTotalGroup[]): Exclude<CostTotalGroup, 'user'>[] | undefined =>
  groupBy.every((group): group is Exclude<CostTotalGroup, 'user'> => group !== 'user') ? [...groupBy] : undefined;

/**
 * Count, tokens and cost of generations by one or two dimensions. Unless grouped by user, whole UTC
 * days inside the window come from `generation_daily` and only the partial days at its edges are
 * summed from spans, so a month costs a few thousand rows, not every generation of the month.
 */
export function createCostTotals(db: SqlDriver): TraceStore['costTotals'] {
  return async (projectId, query) => {
    const firstFullDay = Math.ceil(query.fromUs / dayUs);
    const endFullDay = Math.floor(query.toUs / dayUs);
    const dailyGroups = withoutUsers(query.groupBy);
    const parts: SqlRow[][] = [];
    if (dailyGroups !== undefined && firstFullDay < endFullDay) {
      parts.push(await fromDaily(db, projectId, query, dailyGroups, firstFullDay, endFullDay));
      if (query.fromUs < firstFullDay * dayUs) parts.push(await fromSpans(db, projectId, query, query.fromUs, firstFullDay * dayUs));
      if (endFullDay * dayUs < query.toUs) parts.push(await fromSpans(db, projectId, query, endFullDay * dayUs, query.toUs));
    } else {
      parts.push(await fromSpans(db, projectId, query, query.fromUs, query.toUs));
    }
    const merged = new Map<string, CostTotalsRow>();
    for (const row of parts.flat()) {
      const groups = query.groupBy.map((group, index) => groupLabel(group, row[`g${index}`]));
      const key = groups.join('\u0000');
      const total = merged.get(key) ?? { groups, count: 0, inputTokens: 0, outputTokens: 0, cost: 0 };
      total.count += Number(row.n);
      total.inputTokens += Number(row.input_tokens);
      total.outputTokens += Number(row.output_tokens);
      total.cost += Number(row.cost);
      merged.set(key, total);
    }
    return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  };
}
