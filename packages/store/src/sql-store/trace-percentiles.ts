import type { SqlExecutor, SqlValue } from '../drivers/sql-driver.ts';

/** The latency percentiles every trace aggregate reports. */
export const percentiles = [0.5, 0.95, 0.99] as const;

/** A map key for a group value; NULL gets a key no string value can have. */
export const groupKey = (value: unknown): string => (value === null || value === undefined ? '\u0000' : `=${String(value)}`);

/** A set of spans to take percentiles of: `from` is a FROM ... WHERE clause, `group` an expression over it. */
export interface PercentileSource {
  group: string;
  from: string;
  params: readonly SqlValue[];
}

/**
 * Exact latency percentiles per group, interpolated linearly between the two nearest ranks (what
 * PostgreSQL's percentile_cont computes, so both dialects give the same numbers). PostgreSQL
 * computes them itself; SQLite ranks each group with a window function and returns only the rows
 * at the ranks needed, so neither sends every latency of a large window to the process.
 */
export async function latencyPercentiles(db: SqlExecutor, source: PercentileSource): Promise<Map<string, number[]>> {
  const result = new Map<string, number[]>();
  if (db.dialect === 'postgres') {
    const columns = percentiles.map((p, index) => `percentile_cont(${p}) WITHIN GROUP (ORDER BY latency_ms) AS p${index}`).join(', ');
    const rows = await db.all(`SELECT ${source.group} AS g, ${columns} ${source.from} GROUP BY 1`, source.params);
    for (const row of rows) result.set(groupKey(row.g), percentiles.map((_, index) => Number(row[`p${index}`])));
    return result;
  }
  const ranks = percentiles.flatMap((p) => [`CAST(${p} * (n - 1) AS INTEGER)`, `CAST(${p} * (n - 1) AS INTEGER) + 1`]).join(', ');
  const rows = await db.all(
    `SELECT g, n, rn, latency_ms FROM (
       SELECT ${source.group} AS g, latency_ms,
         ROW_NUMBER() OVER (PARTITION BY ${source.group} ORDER BY latency_ms) - 1 AS rn,
         COUNT(*) OVER (PARTITION BY ${source.group}) AS n
       ${source.from}
     ) ranked WHERE rn IN (${ranks})`,
    source.params,
  );
  const byGroup = new Map<string, { n: number; values: Map<number, number> }>();
  for (const row of rows) {
    const group = groupKey(row.g);
    let entry = byGroup.get(group);
    if (entry === undefined) {
      entry = { n: Number(row.n), values: new Map() };
      byGroup.set(group, entry);
    }
    entry.values.set(Number(row.rn), Number(row.latency_ms));
  }
  for (const [group, entry] of byGroup) {
    result.set(group, percentiles.map((p) => {
      const position = p * (entry.n - 1);
      const lower = Math.floor(position);
      const low = entry.values.get(lower) ?? 0;
      const high = entry.values.get(Math.ceil(position)) ?? low;
      return low + (position - lower) * (high - low);
    }));
  }
  return result;
}
