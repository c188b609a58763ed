import { randomHex } from './random-hex.ts';

/**
 * A new W3C trace id (32 lowercase hex digits) that starts with the current time in milliseconds
 * (12 digits, as a UUIDv7 does) and ends with 80 random bits.
 */
export function timeOrderedTraceId(nowMs: number = Date.now()): string {
  return `${Math.floor(nowMs).toString(16).padStart(12, '0').slice(-12)}${randomHex(10)}`;
}
