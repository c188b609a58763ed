import type { Metric } from '@keel/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketWidth, computeRollups, type RollupPartial, rollupLevels } from './metric-rollups.ts';

/** The definition, point by point and level by level: every point folded into its bucket at each level, in batch order. */
function reference(metrics: readonly Metric[]): RollupPartial[] {
  const partials = new Map<string, RollupPartial>();
  for (const metric of metrics) {
    for (const level of rollupLevels) {
      const bucket = Math.floor(metric.step / bucketWidth(level));
      const id = JSON.stringify([metric.key, level, bucket]);
      const partial = partials.get(id) ?? { key: metric.key, level, bucket, count: 0, loStep: metric.step, hiStep: metric.step, min: undefined, max: undefined };
      partials.set(id, partial);
      partial.count += 1;
      partial.loStep = Math.min(partial.loStep, metric.step);
      partial.hiStep = Math.max(partial.hiStep, metric.step);
      if (Number.isNaN(metric.value)) continue;
      const point = { value: metric.value, step: metric.step, timestamp: metric.timestamp };
      if (partial.min === undefined || point.value < partial.min.value) partial.min = point;
      if (partial.max === undefined || point.value > partial.max.value) partial.max = point;
    }
  }
  return [...partials.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.level - b.level || a.bucket - b.bucket));
}

/** Only what is stored: the extremes' value, step and timestamp. */
const stored = (partials: readonly RollupPartial[]) =>
  partials.map(({ min, max, ...rest }) => ({ ...rest, min: min && { value: min.value, step: min.step, timestamp: min.timestamp }, max: max && { value: max.value, step: max.step, timestamp: max.timestamp } }));

const metricArbitrary = fc.record({
  key: fc.constantFrom('loss', 'acc', 'lr'),
  // Few distinct values, so that equal extremes are common; NaN and the infinities too.
  value: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0)),
  // Steps across level boundaries (16, 256, 4096, 65536, 1048576), and large ones.
  step: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 3_000_000 }), fc.constantFrom(15, 16, 255, 256, 4095, 4096, 65_535, 65_536, 1_048_575, 1_048_576, 2 ** 40)),
  timestamp: fc.integer({ min: 0, max: 1000 }),
});

describe('computeRollups', () => {
  it('gives the same partials as folding every point into every level, ties kept by batch order', () => {
    fc.assert(
      fc.property(fc.array(metricArbitrary, { maxLength: 300 }), (metrics) => {
        expect(stored(computeRollups(metrics))).toEqual(stored(reference(metrics)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the first of equal extremes logged, whichever level-1 bucket holds it', () => {
    // Level-1 buckets 0 (steps 3, 4) and 1 (step 20) make one level-2 bucket. The minimum 1 is
    // logged first at step 20, in the bucket that appeared second.
    const metrics: Metric[] = [
      { key: 'loss', value: 5, step: 3, timestamp: 1 },
      { key: 'loss', value: 1, step: 20, timestamp: 2 },
      { key: 'loss', value: 1, step: 4, timestamp: 3 },
    ];
    const level2 = computeRollups(metrics).find((partial) => partial.level === 2);
    expect(level2).toMatchObject({ count: 3, loStep: 3, hiStep: 20, min: { step: 20 }, max: { step: 3 } });
  });
});
