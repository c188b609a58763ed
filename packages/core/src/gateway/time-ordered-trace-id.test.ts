import { describe, expect, it } from 'vitest';
import { timeOrderedTraceId } from './time-ordered-trace-id.ts';

describe('timeOrderedTraceId', () => {
  it('is a W3C trace id that starts with the time in milliseconds and ends with random digits', () => {
    const atMs = Date.UTC(2026, 11, 1, 3, 0, 0, 123);
    const id = timeOrderedTraceId(atMs);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(Number.parseInt(id.slice(0, 12), 16)).toBe(atMs);
    const tails = new Set(Array.from({ length: 2000 }, () => timeOrderedTraceId(atMs).slice(12)));
    expect(tails.size).toBe(2000);
  });

  it('sorts by time, so that new traces go to the end of an index keyed by trace id', () => {
    const times = [1_000, 1_001, 999_999, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 1, Date.UTC(9999, 0, 1)];
    const ids = times.map((atMs) => timeOrderedTraceId(atMs));
    expect([...ids].sort()).toEqual(ids);
  });

  it('takes the current time when given none, and a fractional millisecond rounds down', () => {
    const before = Date.now();
    const id = timeOrderedTraceId();
    const after = Date.now();
    const atMs = Number.parseInt(id.slice(0, 12), 16);
    expect(atMs).toBeGreaterThanOrEqual(before);
    expect(atMs).toBeLessThanOrEqual(after);
    expect(timeOrderedTraceId(1_000.9).slice(0, 12)).toBe('0000000003e8');
  });
});
