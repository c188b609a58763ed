/** MLflow's encoding of a metric value: NaN is stored as 0 with is_nan = 1; infinities are stored as they are. */
export function encodeMetricValue(value: number): [number, number] {
  return Number.isNaN(value) ? [0, 1] : [value, 0];
}

export function decodeMetricValue(value: unknown, isNan: unknown): number {
  return Number(isNan) === 1 ? Number.NaN : Number(value);
}
