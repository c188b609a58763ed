import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { int64ToValue } from './int64-to-value.ts';
import { uint64ToDecimal } from './uint64-to-decimal.ts';

const halves = (value: bigint): [number, number] => [Number(value & 0xffffffffn), Number((value >> 32n) & 0xffffffffn)];

describe('uint64ToDecimal', () => {
  it('matches BigInt over the whole range', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (value) => {
        expect(uint64ToDecimal(...halves(value))).toBe(value.toString());
      }),
      { numRuns: 5000 },
    );
  });

  it.each([0n, 1n, 2n ** 53n - 1n, 2n ** 53n, 10n ** 16n, 1767225600123456789n, 2n ** 64n - 1n])('is exact at %s', (value) => {
    expect(uint64ToDecimal(...halves(value))).toBe(value.toString());
  });
});

describe('int64ToValue', () => {
  it('gives a number for safe integers and the exact decimal text otherwise', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (value) => {
        const expected = value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
        expect(int64ToValue(...halves(BigInt.asUintN(64, value)))).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });
});
