/**
 * Exponential moving average with debiasing, as TensorBoard smooths: `weight` 0 leaves the values
 * as they are, 0.99 smooths hard. Non-finite values pass through and do not poison the average.
 */
export function smooth(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return [...values];
  let last = 0;
  let debias = 0;
  return values.map((value) => {
    if (!Number.isFinite(value)) return value;
    last = last * weight + (1 - weight) * value;
    debias = debias * weight + (1 - weight);
    return last / debias;
  });
}
