import type { CostTotalsRow, TraceStore } from '@keel/spec';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { generationFilter, groupExpressions, groupLabel } from './trace-aggregate.ts';

/**
 * Sums only: one GROUP BY over the covering generations index, with no per-row function call, no
 * sort of latencies and no distinct trace ids, which is what keeps "cost per model per day over
 * a month" fast where the full aggregate is not.
 */
export function createCostTotals(db: SqlDriver): TraceStore['costTotals'] {
  return async (projectId, query) => {
    const groups = query.groupBy.map((group, index) => `${groupExpressions[group]} AS g${index}`);
    const names = query.groupBy.map((_group, index) => `g${index}`);
    const { from, params } = generationFilter(projectId, query);
    const rows = await db.all(
      `SELECT ${groups.join(', ')}, COUNT(*) AS n, SUM(COALESCE(input_tokens, 0)) AS input_tokens, SUM(COALESCE(output_tokens, 0)) AS output_tokens, SUM(COALESCE(cost, 0)) AS cost ${from} GROUP BY ${names.join(', ')}`,
      params,
    );
    const result = rows.map((row): CostTotalsRow => ({
      groups: query.groupBy.map((group, index) => groupLabel(group, row[`g${index}`])),
      count: Number(row.n),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      cost: Number(row.cost),
    }));
    const key = (row: CostTotalsRow) => row.groups.join('\u0000');
    return result.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  };
}
