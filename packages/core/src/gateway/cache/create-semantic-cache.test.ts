import { describe, expect, it } from 'vitest';
import { createSemanticCache } from './create-semantic-cache.ts';

function manualClock(): { now(): number; advance(milliseconds: number): void } {
  let now = 1_700_000_000_000;
  return {
    now: () => now,
    advance: (milliseconds) => {
      now += milliseconds;
    },
  };
}

/** A unit vector at `degrees` from [1, 0] in the plane: similarity to it is cos(angle between). */
function atAngle(degrees: number): number[] {
  const radians = (degrees * Math.PI) / 180;
  return [Math.cos(radians), Math.sin(radians)];
}

describe('createSemanticCache', () => {
  it('answers the most similar entry at or above the threshold, with its cosine similarity', () => {
    const cache = createSemanticCache({ maxEntries: 100, clock: manualClock() });
    cache.store('s', atAngle(0), 'zero', 60);
    cache.store('s', atAngle(30), 'thirty', 60);
    const hit = cache.lookup('s', atAngle(25), 0.9);
    expect(hit?.value).toBe('thirty');
    expect(hit?.similarity).toBeCloseTo(Math.cos((5 * Math.PI) / 180), 6);
    expect(cache.lookup('s', atAngle(90), 0.9)).toBeUndefined();
    // cos(20°) ≈ 0.9397: a hit at 0.93, a miss at 0.95.
    expect(cache.lookup('s', atAngle(50), 0.93)?.value).toBe('thirty');
    expect(cache.lookup('s', atAngle(50), 0.95)).toBeUndefined();
  });

  it('compares direction only: vectors are normalised, whatever their length or type', () => {
    const cache = createSemanticCache({ maxEntries: 100, clock: manualClock() });
    cache.store('s', [3, 4, 0], 'value', 60);
    const hit = cache.lookup('s', Float32Array.from([30, 40, 0]), 1);
    expect(hit?.value).toBe('value');
    expect(hit?.similarity).toBe(1);
    expect(cache.lookup('s', [-3, -4, 0], -1)?.similarity).toBeCloseTo(-1, 6);
  });

  it('finds a stored high-dimensional vector again at the default threshold and not a random one', () => {
    const cache = createSemanticCache({ maxEntries: 100, clock: manualClock() });
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31 - 0.5;
    };
    const stored = Array.from({ length: 1536 }, random);
    cache.store('s', stored, 'stored', 60);
    const nearby = stored.map((component) => component + random() * 0.01);
    expect(cache.lookup('s', nearby, 0.95)?.value).toBe('stored');
    expect(cache.lookup('s', Array.from({ length: 1536 }, random), 0.95)).toBeUndefined();
  });

  it('keeps scopes apart', () => {
    const cache = createSemanticCache({ maxEntries: 100, clock: manualClock() });
    cache.store('project-1', [1, 0], 'one', 60);
    expect(cache.lookup('project-2', [1, 0], 0.5)).toBeUndefined();
    expect(cache.lookup('project-1', [1, 0], 0.5)?.value).toBe('one');
  });

  it('forgets entries after their time to live', () => {
    const clock = manualClock();
    const cache = createSemanticCache({ maxEntries: 100, clock });
    cache.store('s', [1, 0], 'short', 1);
    cache.store('s', atAngle(10), 'long', 60);
    clock.advance(999);
    expect(cache.lookup('s', [1, 0], 0.99)?.value).toBe('short');
    clock.advance(1);
    expect(cache.lookup('s', [1, 0], 0.9)?.value).toBe('long');
    expect(cache.size).toBe(1);
    clock.advance(59_000);
    expect(cache.lookup('s', [1, 0], 0.9)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry over all scopes; a hit counts as a use', () => {
    const cache = createSemanticCache({ maxEntries: 2, clock: manualClock() });
    cache.store('a', [1, 0], 'A', 60);
    cache.store('b', [1, 0], 'B', 60);
    expect(cache.lookup('a', [1, 0], 0.9)?.value).toBe('A');
    cache.store('c', [1, 0], 'C', 60);
    expect(cache.size).toBe(2);
    expect(cache.lookup('b', [1, 0], 0.9)).toBeUndefined();
    expect(cache.lookup('a', [1, 0], 0.9)?.value).toBe('A');
    expect(cache.lookup('c', [1, 0], 0.9)?.value).toBe('C');
  });

  it('stores nothing for a zero, non-finite or empty vector or a TTL of zero, and skips vectors of another length', () => {
    const cache = createSemanticCache({ maxEntries: 100, clock: manualClock() });
    cache.store('s', [0, 0], 'zero', 60);
    cache.store('s', [Number.NaN, 1], 'nan', 60);
    cache.store('s', [Number.POSITIVE_INFINITY, 1], 'infinite', 60);
    cache.store('s', [], 'empty', 60);
    cache.store('s', [1, 0], 'no-ttl', 0);
    expect(cache.size).toBe(0);
    cache.store('s', [1, 0, 0], 'three', 60);
    expect(cache.lookup('s', [1, 0], 0)).toBeUndefined();
    expect(cache.lookup('s', [0, 0, 0], 0)).toBeUndefined();
    expect(cache.lookup('s', [1, 0, 0], 0.99)?.value).toBe('three');
  });

  it('does not keep a reference to the vector it was given', () => {
    const cache = createSemanticCache({ maxEntries: 10, clock: manualClock() });
    const vector = Float32Array.from([1, 0]);
    cache.store('s', vector, 'value', 60);
    vector[0] = 0;
    vector[1] = 1;
    expect(cache.lookup('s', [1, 0], 0.99)?.value).toBe('value');
  });
});
