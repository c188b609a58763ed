import type { SqlExecutor, SqlValue } from '../drivers/sql-driver.ts';
import { first } from '../drivers/sql-driver.ts';

/** Figures of one group of spans; `group` is the raw value of the group expression (NULL included). */
export interface GenerationStats {
  group: unknown;
  count: number;
  traceCount: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  /** Latency p50, p95 and p99 in milliseconds. */
  latencies: [number, number, number];
}

/** A set of spans: `from` is a FROM ... WHERE clause over `spans`, `group` an expression over it. */
export interface StatsSource {
  group: string;
  from: string;
  params: readonly SqlValue[];
}

/** A map key for a group value; NULL gets a key no value can have. */
const groupKey = (value: unknown): string => (value === null || value === undefined ? '\u0000' : `=${String(value)}`);

/**
 * Count, distinct traces, token and cost sums and exact latency percentiles per group. Percentiles
 * interpolate linearly between the two nearest ranks (PostgreSQL's percentile_cont), so both
 * dialects give the same numbers. PostgreSQL computes everything in one GROUP BY; on SQLite the
 * driver's keel_generation_stats aggregate does all but the distinct count in one pass without
 * sorting (see sqlite-functions.ts), and one GROUP BY counts the distinct traces.
 */
export async function generationStats(db: SqlExecutor, source: StatsSource): Promise<GenerationStats[]> {
  if (db.dialect === 'postgres') {
    const rows = await db.all(
      `SELECT ${source.group} AS g, COUNT(*) AS n, COUNT(DISTINCT trace_id) AS trace_count,
         SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(cost) AS cost,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
         percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
         percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99
       ${source.from} GROUP BY 1`,
      source.params,
    );
    return rows.map((row) => ({
      group: row.g,
      count: Number(row.n),
      traceCount: Number(row.trace_count),
      inputTokens: Number(row.input_tokens ?? 0),
      outputTokens: Number(row.output_tokens ?? 0),
      cost: Number(row.cost ?? 0),
      latencies: [Number(row.p50), Number(row.p95), Number(row.p99)],
    }));
  }
  const row = await first(db, `SELECT keel_generation_stats(${source.group}, latency_ms, cost, input_tokens, output_tokens) AS stats ${source.from}`, source.params);
  const traces = await db.all(`SELECT ${source.group} AS g, COUNT(DISTINCT trace_id) AS trace_count ${source.from} GROUP BY 1`, source.params);
  const traceCounts = new Map(traces.map((entry) => [groupKey(entry.g), Number(entry.trace_count)]));
  const groups = JSON.parse(String(row?.stats ?? '[]')) as [unknown, number, number, number, number, number, number, number][];
  return groups.map(([group, count, inputTokens, outputTokens, cost, p50, p95, p99]) => ({
    group, count, traceCount: traceCounts.get(groupKey(group)) ?? 0, inputTokens, outputTokens, cost, latencies: [p50, p95, p99],
  }));
}
