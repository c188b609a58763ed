import type { Database } from 'better-sqlite3';

/** The linearly interpolated percentile `p` of ascending `sorted` values (PostgreSQL's percentile_cont). */
export function interpolatedPercentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const position = p * (sorted.length - 1);
  const lower = Math.floor(position);
  const low = sorted[lower] as number;
  const high = sorted[Math.ceil(position)] as number;
  return low + (position - lower) * (high - low);
}

interface GroupStats {
  count: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  latencies: number[];
}
type Groups = Map<unknown, GroupStats>;

const numberOr0 = (value: unknown): number => (typeof value === 'number' ? value : 0);

/**
 * SQL functions SQLite lacks. `keel_generation_stats(group, latency, cost, input_tokens,
 * output_tokens)` is an aggregate over a whole query (no GROUP BY) that returns JSON
 * `[[group, count, inputTokens, outputTokens, cost, p50, p95, p99], ...]`: sums and exact latency
 * percentiles per group in one pass. GROUP BY sorts every row and window functions sort them again
 * to rank latencies; at a million spans that costs SQLite several times what one pass here does.
 */
export function registerSqliteFunctions(db: Database): void {
  const options = {
    start: (): Groups => new Map(),
    step: (groups: Groups, group: unknown, latency: unknown, cost: unknown, inputTokens: unknown, outputTokens: unknown) => {
      let stats = groups.get(group);
      if (stats === undefined) {
        stats = { count: 0, inputTokens: 0, outputTokens: 0, cost: 0, latencies: [] };
        groups.set(group, stats);
      }
      stats.count += 1;
      stats.inputTokens += numberOr0(inputTokens);
      stats.outputTokens += numberOr0(outputTokens);
      stats.cost += numberOr0(cost);
      stats.latencies.push(numberOr0(latency));
    },
    result: (groups: Groups) =>
      JSON.stringify([...groups].map(([group, stats]) => {
        const sorted = Float64Array.from(stats.latencies).sort();
        return [group, stats.count, stats.inputTokens, stats.outputTokens, stats.cost, interpolatedPercentile(sorted, 0.5), interpolatedPercentile(sorted, 0.95), interpolatedPercentile(sorted, 0.99)];
      })),
  };
  // better-sqlite3's typings allow a step function of one argument only.
  db.aggregate('keel_generation_stats', options as unknown as Parameters<Database['aggregate']>[1]);
}
