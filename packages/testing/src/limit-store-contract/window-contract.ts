import { describe, expect, it, type TestContext } from 'vitest';
import type { LimitStore } from '@keel/spec';
import { type OpenLimitStore, expectGranted } from './limit-store-harness.ts';
import { openForTest } from './open-for-test.ts';

const noClockReason = 'this store reads its own clock; its window arithmetic is tested through its pure window function';

async function openWithClock(open: OpenLimitStore, context: TestContext): Promise<{ store: LimitStore; setNow: (epochMs: number) => void }> {
  const { store, setNow } = await openForTest(open);
  if (setNow === undefined) return context.skip(noClockReason);
  return { store, setNow };
}

/** Window edges, checked at chosen instants; runs only for stores whose clock a test can set. */
export function describeWindowContract(open: OpenLimitStore): void {
  describe('windows (injected clock)', () => {
    it('starts windows at the UTC minute, day and calendar month, and says how long until each ends', async (context) => {
      const { store, setNow } = await openWithClock(open, context);
      // 28 February 2024, a leap year: the month still has the 29th to go.
      const now = Date.UTC(2024, 1, 28, 22, 59, 30, 250);
      setNow(now);
      const reserved = expectGranted(await store.reserve([
        { key: 'rpm', window: 'minute', limit: 1, amount: 1 },
        { key: 'usd-day', window: 'day', limit: 1, amount: 1 },
        { key: 'usd-month', window: 'month', limit: 1, amount: 1 },
      ]));
      expect(reserved.map((counter) => counter.windowStartMs)).toEqual([Date.UTC(2024, 1, 28, 22, 59), Date.UTC(2024, 1, 28), Date.UTC(2024, 1, 1)]);
      expect(await store.reserve([{ key: 'rpm', window: 'minute', limit: 1, amount: 1 }])).toEqual({ ok: false, key: 'rpm', window: 'minute', limit: 1, used: 1, retryAfterMs: 29_750 });
      expect(await store.reserve([{ key: 'usd-day', window: 'day', limit: 1, amount: 1 }])).toEqual({ ok: false, key: 'usd-day', window: 'day', limit: 1, used: 1, retryAfterMs: 3_629_750 });
      expect(await store.reserve([{ key: 'usd-month', window: 'month', limit: 1, amount: 1 }])).toEqual({ ok: false, key: 'usd-month', window: 'month', limit: 1, used: 1, retryAfterMs: 90_029_750 });
      // An amount over the limit on its own waits for the end of the window too.
      expect(await store.reserve([{ key: 'fresh', window: 'minute', limit: 1, amount: 2 }])).toEqual({ ok: false, key: 'fresh', window: 'minute', limit: 1, used: 0, retryAfterMs: 29_750 });
    });

    it('starts a new minute with an empty counter while the day and month keep theirs', async (context) => {
      const { store, setNow } = await openWithClock(open, context);
      const minuteStart = Date.UTC(2025, 6, 14, 9, 30);
      setNow(minuteStart + 59_999);
      expectGranted(await store.reserve([{ key: 'rpm', window: 'minute', limit: 2, amount: 2 }, { key: 'day', window: 'day', limit: 100, amount: 2 }]));
      expect(await store.reserve([{ key: 'rpm', window: 'minute', limit: 2, amount: 1 }])).toMatchObject({ ok: false, retryAfterMs: 1 });
      setNow(minuteStart + 60_000);
      expect(await store.read([{ key: 'rpm', window: 'minute' }, { key: 'day', window: 'day' }])).toEqual([0, 2]);
      const [minute] = expectGranted(await store.reserve([{ key: 'rpm', window: 'minute', limit: 2, amount: 2 }]));
      expect(minute?.windowStartMs).toBe(minuteStart + 60_000);
    });

    it('rolls the month over at midnight UTC on the 1st, across the year end', async (context) => {
      const { store, setNow } = await openWithClock(open, context);
      setNow(Date.UTC(2025, 11, 31, 23, 59, 59, 999));
      const [december] = expectGranted(await store.reserve([{ key: 'usd', window: 'month', limit: 10, amount: 10 }]));
      expect(december?.windowStartMs).toBe(Date.UTC(2025, 11, 1));
      expect(await store.reserve([{ key: 'usd', window: 'month', limit: 10, amount: 1 }])).toMatchObject({ ok: false, retryAfterMs: 1 });
      setNow(Date.UTC(2026, 0, 1));
      const [january] = expectGranted(await store.reserve([{ key: 'usd', window: 'month', limit: 10, amount: 10 }]));
      expect(january?.windowStartMs).toBe(Date.UTC(2026, 0, 1));
      expect(await store.reserve([{ key: 'usd', window: 'month', limit: 10, amount: 1 }])).toMatchObject({ ok: false, retryAfterMs: 31 * 86_400_000 });
    });

    it('ignores a settle for a window that ended after the reservation', async (context) => {
      const { store, setNow } = await openWithClock(open, context);
      const start = Date.UTC(2025, 2, 3, 10, 0);
      setNow(start + 1_000);
      const [earlier] = expectGranted(await store.reserve([{ key: 'tpm', window: 'minute', limit: 100, amount: 50 }]));
      if (earlier === undefined) throw new Error('no counter reserved');
      setNow(start + 59_000);
      await store.settle([{ key: 'tpm', window: 'minute', windowStartMs: earlier.windowStartMs, delta: -20 }]);
      expect(await store.read([{ key: 'tpm', window: 'minute' }])).toEqual([30]);
      setNow(start + 61_000);
      expectGranted(await store.reserve([{ key: 'tpm', window: 'minute', limit: 100, amount: 5 }]));
      await store.settle([{ key: 'tpm', window: 'minute', windowStartMs: earlier.windowStartMs, delta: 90 }]);
      await store.settle([{ key: 'tpm', window: 'minute', windowStartMs: earlier.windowStartMs, delta: -5 }]);
      expect(await store.read([{ key: 'tpm', window: 'minute' }])).toEqual([5]);
    });
  });
}
