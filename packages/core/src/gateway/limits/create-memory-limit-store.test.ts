import { describe, expect, it } from 'vitest';
import { describeLimitStoreContract } from '@keel/testing';
import { createMemoryLimitStore } from './index.ts';

function settableClock(startMs: number): { now(): number; set(epochMs: number): void } {
  let nowMs = startMs;
  return { now: () => nowMs, set: (epochMs) => { nowMs = epochMs; } };
}

describeLimitStoreContract('memory', (_namespace) => {
  const clock = settableClock(Date.UTC(2025, 5, 10, 8, 0, 0, 500));
  return Promise.resolve({ store: createMemoryLimitStore({ clock }), setNow: clock.set });
});

// The contract holds also on the real clock (its tests retry when they straddle a window edge).
describeLimitStoreContract('memory on the system clock', () => Promise.resolve({ store: createMemoryLimitStore({ clock: { now: () => Date.now() } }) }));

describe('memory limit store', () => {
  it('drops counters of windows that have ended instead of keeping them forever', async () => {
    const clock = settableClock(Date.UTC(2025, 0, 1));
    const store = createMemoryLimitStore({ clock });
    for (let minute = 0; minute < 2_000; minute += 1) {
      clock.set(Date.UTC(2025, 0, 1) + minute * 60_000);
      // A new key every minute: without sweeping, 2,000 entries would pile up.
      const result = await store.reserve([{ key: `key-${minute}`, window: 'minute', limit: 1, amount: 1 }]);
      expect(result.ok).toBe(true);
    }
    // The sweep runs at most once a minute of clock time, so at most the last two minutes remain.
    expect(store.heldCounterCount()).toBeLessThanOrEqual(2);
    clock.set(Date.UTC(2025, 0, 1) + 2_010 * 60_000);
    expect(await store.reserve([{ key: 'last', window: 'day', limit: 1, amount: 1 }])).toMatchObject({ ok: true });
    expect(store.heldCounterCount()).toBe(1);
    await store.close();
  });

  it('rejects calls after close', async () => {
    const store = createMemoryLimitStore({ clock: settableClock(0) });
    await store.close();
    await expect(store.reserve([{ key: 'k', window: 'minute', limit: 1, amount: 1 }])).rejects.toThrow(/closed/);
  });
});
