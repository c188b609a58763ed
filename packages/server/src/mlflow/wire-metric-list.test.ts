import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { double, int64 } from './mlflow-wire.ts';
import { readWireMetricList } from './wire-metric-list.ts';

/** What the list accepts, written with the per-field schemas it stands in for. */
const reference = z.array(z.object({ key: z.string(), value: double, timestamp: int64, step: int64.optional() }));

const wireNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '', ' ', '12', '-7', '1.5', '1e3', '0x10', 'abc', '9007199254740993', 9007199254740993, 2 ** 53 - 1),
  fc.integer().map(String),
  fc.constantFrom(null, true, undefined, [], {}),
);
const item = fc.oneof(
  { weight: 8, arbitrary: fc.record({ key: fc.oneof(fc.string(), fc.constantFrom(1, null)), value: wireNumber, timestamp: wireNumber, step: wireNumber }, { requiredKeys: ['key', 'value', 'timestamp'] }) },
  { weight: 1, arbitrary: fc.constantFrom(null, 3, 'm', [] as unknown[]) },
);

/** The reader as zod's safeParse answers: the metrics, or the error it threw. */
function safeRead(input: unknown): { success: true; data: unknown } | { success: false; error: z.ZodError } {
  try {
    return { success: true, data: readWireMetricList(input) };
  } catch (error) {
    if (error instanceof z.ZodError) return { success: false, error };
    throw error;
  }
}

describe('readWireMetricList', () => {
  it('accepts and reads exactly what the per-field schemas accept', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 9, arbitrary: fc.array(item, { maxLength: 6 }) }, { weight: 1, arbitrary: fc.constantFrom({}, 'metrics', 7, null) }), (generated) => {
        // What a request body can hold: JSON has no NaN or infinite numbers (zod's number rejects
        // them and the list keeps them, as it keeps "NaN" and "Infinity" sent as text).
        const input: unknown = JSON.parse(JSON.stringify(generated));
        const fast = safeRead(input);
        const slow = reference.safeParse(input);
        expect(fast.success).toBe(slow.success);
        if (fast.success && slow.success) expect(fast.data).toEqual(slow.data.map((metric) => ({ ...metric, step: metric.step ?? 0 })));
      }),
      { numRuns: 2000 },
    );
  });

  it('names the bad field of the first bad metric, and the list itself when it is not one', () => {
    const pathOf = (input: unknown): unknown => {
      const read = safeRead(input);
      return read.success ? undefined : read.error.issues[0]?.path;
    };
    expect(pathOf({ key: 'm' })).toEqual([]);
    expect(pathOf([{ key: 'm', value: 1, timestamp: 1 }, 'm'])).toEqual([1]);
    expect(pathOf([{ key: 'm', value: 'high', timestamp: 1 }])).toEqual([0, 'value']);
    expect(pathOf([{ key: 'm', value: 1, timestamp: 1, step: 1.5 }])).toEqual([0, 'step']);
    // Where the list sits in the request body comes first.
    expect(() => readWireMetricList([{ key: 'm', value: 1, timestamp: 'later' }], ['metrics'])).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: ['metrics', 0, 'timestamp'], message: 'expected an integer' })] }));
  });

  it('reads proto3 JSON: int64 as strings, special doubles, and a missing step as 0', () => {
    expect(readWireMetricList([{ key: 'loss', value: 'NaN', timestamp: '1700000000000' }, { key: 'acc', value: '-Infinity', timestamp: 2, step: '-3' }])).toEqual([
      { key: 'loss', value: Number.NaN, timestamp: 1_700_000_000_000, step: 0 },
      { key: 'acc', value: Number.NEGATIVE_INFINITY, timestamp: 2, step: -3 },
    ]);
  });
});
