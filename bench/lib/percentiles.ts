/** Nearest-rank percentile of unsorted samples (p in 0..100); NaN for no samples. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  return percentileOfSorted(sortedCopy(samples), p);
}

export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

function sortedCopy(samples: ArrayLike<number>): Float64Array {
  return Float64Array.from(samples).sort();
}

export interface LatencySummary {
  count: number;
  minMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/** Count, min, p50, p95, p99, max and mean of latencies in milliseconds. */
export function summarizeLatencies(samples: ArrayLike<number>): LatencySummary {
  const sorted = sortedCopy(samples);
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    minMs: sorted[0] ?? Number.NaN,
    p50Ms: percentileOfSorted(sorted, 50),
    p95Ms: percentileOfSorted(sorted, 95),
    p99Ms: percentileOfSorted(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    meanMs: sorted.length === 0 ? Number.NaN : total / sorted.length,
  };
}

export function median(samples: ArrayLike<number>): number {
  return percentile(samples, 50);
}
