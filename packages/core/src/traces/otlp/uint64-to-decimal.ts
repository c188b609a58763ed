const base = 10_000_000;

function padTo7(value: number): string {
  const text = String(value);
  return '0000000'.slice(text.length) + text;
}

/**
 * The decimal text of the unsigned 64-bit integer `high * 2^32 + low` (both halves unsigned
 * 32-bit), without BigInt: nanosecond timestamps pass through here twice per span.
 */
export function uint64ToDecimal(low: number, high: number): string {
  if (high <= 0x1fffff) return String(high * 4294967296 + low);
  // Split into 24 + 24 + 16 bits and carry in base 1e7 (as google-protobuf's joinUnsignedDecimalString):
  // 2^24 = 1 * 1e7 + 6777216 and 2^48 = 28147497 * 1e7 + 6710656, so no partial sum leaves 2^53.
  const bitsLow = low & 0xffffff;
  const bitsMiddle = ((low >>> 24) | (high << 8)) & 0xffffff;
  const bitsHigh = (high >>> 16) & 0xffff;
  let digitA = bitsLow + bitsMiddle * 6777216 + bitsHigh * 6710656;
  let digitB = bitsMiddle + bitsHigh * 8147497;
  let digitC = bitsHigh * 2;
  if (digitA >= base) {
    digitB += Math.floor(digitA / base);
    digitA %= base;
  }
  if (digitB >= base) {
    digitC += Math.floor(digitB / base);
    digitB %= base;
  }
  return String(digitC) + padTo7(digitB) + padTo7(digitA);
}
