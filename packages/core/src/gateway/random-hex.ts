import { randomFillSync } from 'node:crypto';

// One getrandom call fills ids for hundreds of requests: a call per id showed up at 5 % of the
// gateway's CPU under load.
const pool = Buffer.alloc(8192);
let offset = pool.length;

/** `bytes` random bytes as lowercase hex (trace, span and request ids). */
export function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const text = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return text;
}
