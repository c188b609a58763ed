import type { KeelClient } from '@keel/sdk/client';

export type GatewayUsage = Awaited<ReturnType<KeelClient['gateway']['usage']>>;
export type UsageRow = GatewayUsage['rows'][number];
export type UsageTotals = GatewayUsage['totals'];

/** Errors over requests; null when there were no requests. */
export const errorRate = (figures: { requests: number; errors: number }): number | null => (figures.requests === 0 ? null : figures.errors / figures.requests);

/** One figure per day (zero on days without usage) for a chart series. */
export function perDay(rows: readonly UsageRow[], days: readonly string[], figure: (row: UsageRow) => number, match: (row: UsageRow) => boolean = () => true): number[] {
  const byDay = new Map<string, number>();
  for (const row of rows) {
    if (row.day === undefined || !match(row)) continue;
    byDay.set(row.day, (byDay.get(row.day) ?? 0) + figure(row));
  }
  return days.map((day) => byDay.get(day) ?? 0);
}

/** The values a dimension takes in the rows, busiest first (by requests), at most `limit`. */
export function topValues(rows: readonly UsageRow[], dimension: 'key' | 'model', limit: number): string[] {
  const totals = new Map<string, number>();
  for (const row of rows) {
    const value = row[dimension];
    if (value === undefined) continue;
    totals.set(value, (totals.get(value) ?? 0) + row.requests);
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([value]) => value);
}
