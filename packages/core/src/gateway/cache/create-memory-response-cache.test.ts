import { describe, expect, it } from 'vitest';
import { describeResponseCacheContract } from '@keel/testing';
import { createMemoryResponseCache } from './create-memory-response-cache.ts';

function manualClock(start = 1_700_000_000_000): { now(): number; advance(milliseconds: number): void } {
  let now = start;
  return {
    now: () => now,
    advance: (milliseconds) => {
      now += milliseconds;
    },
  };
}

describeResponseCacheContract('memory', () => {
  const clock = manualClock();
  return Promise.resolve({ store: createMemoryResponseCache({ maxEntries: 10_000, clock }), advanceTime: clock.advance });
});

describe('createMemoryResponseCache', () => {
  it('evicts the least recently used entry beyond maxEntries; a read counts as a use', async () => {
    const cache = createMemoryResponseCache({ maxEntries: 3, clock: manualClock() });
    await cache.set('a', 'A', 60);
    await cache.set('b', 'B', 60);
    await cache.set('c', 'C', 60);
    expect(await cache.get('a')).toBe('A');
    await cache.set('d', 'D', 60);
    expect(cache.size).toBe(3);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe('A');
    expect(await cache.get('c')).toBe('C');
    expect(await cache.get('d')).toBe('D');
  });

  it('counts a replaced key once', async () => {
    const cache = createMemoryResponseCache({ maxEntries: 2, clock: manualClock() });
    await cache.set('a', 'A', 60);
    await cache.set('b', 'B', 60);
    await cache.set('a', 'A2', 60);
    expect(cache.size).toBe(2);
    expect(await cache.get('b')).toBe('B');
    expect(await cache.get('a')).toBe('A2');
  });

  it('holds at most maxBytes, evicting old entries and refusing a value bigger than the bound', async () => {
    // Each entry: (1 key + 99 value characters) * 2 bytes = 200 bytes.
    const cache = createMemoryResponseCache({ maxEntries: 100, maxBytes: 500, clock: manualClock() });
    await cache.set('a', 'x'.repeat(99), 60);
    await cache.set('b', 'y'.repeat(99), 60);
    expect(cache.bytes).toBe(400);
    await cache.set('c', 'z'.repeat(99), 60);
    expect(cache.bytes).toBe(400);
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('b')).toBe('y'.repeat(99));
    await cache.set('huge', 'h'.repeat(300), 60);
    expect(await cache.get('huge')).toBeUndefined();
    expect(cache.bytes).toBeLessThanOrEqual(500);
  });

  it('drops an expired entry when it is read, freeing its room', async () => {
    const clock = manualClock();
    const cache = createMemoryResponseCache({ maxEntries: 10, clock });
    await cache.set('a', 'A', 1);
    clock.advance(1_000);
    expect(await cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('keeps a fraction-of-a-second time to live to the millisecond', async () => {
    const clock = manualClock();
    const cache = createMemoryResponseCache({ maxEntries: 10, clock });
    await cache.set('a', 'A', 0.25);
    clock.advance(249);
    expect(await cache.get('a')).toBe('A');
    clock.advance(1);
    expect(await cache.get('a')).toBeUndefined();
  });

  it('stores nothing when maxEntries is 0', async () => {
    const cache = createMemoryResponseCache({ maxEntries: 0, clock: manualClock() });
    await cache.set('a', 'A', 60);
    expect(await cache.get('a')).toBeUndefined();
  });
});
