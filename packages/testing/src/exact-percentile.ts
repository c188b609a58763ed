/**
 * The percentile of `values` with linear interpolation between the nearest ranks, as the store
 * computes it (PostgreSQL's percentile_cont): the independent answer tests check figures against.
 */
export function exactPercentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = fraction * (sorted.length - 1);
  const low = sorted[Math.floor(rank)] ?? Number.NaN;
  const high = sorted[Math.ceil(rank)] ?? Number.NaN;
  return low + (high - low) * (rank - Math.floor(rank));
}
