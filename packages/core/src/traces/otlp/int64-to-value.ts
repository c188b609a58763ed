import { uint64ToDecimal } from './uint64-to-decimal.ts';

/** A two's-complement int64 as a number when it is a safe integer, else as its decimal text. */
export function int64ToValue(low: number, high: number): number | string {
  const value = (high | 0) * 4294967296 + low;
  if (Number.isSafeInteger(value)) return value;
  if (high < 0x80000000) return uint64ToDecimal(low, high);
  const negatedLow = (~low + 1) >>> 0;
  const negatedHigh = (~high + (negatedLow === 0 ? 1 : 0)) >>> 0;
  return '-' + uint64ToDecimal(negatedLow, negatedHigh);
}
