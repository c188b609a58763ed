import { describe, expect, it } from 'vitest';
import { type OpenLimitStore, expectGranted, inOneWindow, windowLengthMs } from './limit-store-harness.ts';
import { openForTest } from './open-for-test.ts';

export function describeSettleContract(open: OpenLimitStore): void {
  describe('settle', () => {
    it('gives back with a negative delta and charges more with a positive one, in the window reserved in', async () => {
      const { store } = await openForTest(open);
      await inOneWindow(store, 'minute', async (suffix) => {
        const key = `tokens${suffix}`;
        const [reserved] = expectGranted(await store.reserve([{ key, window: 'minute', limit: 20, amount: 10 }]));
        if (reserved === undefined) throw new Error('no counter reserved');
        const where = { key, window: reserved.window, windowStartMs: reserved.windowStartMs };
        await store.settle([{ ...where, delta: -4 }]);
        expect(await store.read([{ key, window: 'minute' }])).toEqual([6]);
        // Actual usage above the estimate is charged even past the limit; the next reserve pays for it.
        await store.settle([{ ...where, delta: 17 }]);
        expect(await store.read([{ key, window: 'minute' }])).toEqual([23]);
        expect(await store.reserve([{ key, window: 'minute', limit: 20, amount: 0 }])).toMatchObject({ ok: false, used: 23 });
      });
    });

    it('never takes a counter below 0', async () => {
      const { store } = await openForTest(open);
      await inOneWindow(store, 'minute', async (suffix) => {
        const key = `refund${suffix}`;
        const [reserved] = expectGranted(await store.reserve([{ key, window: 'minute', limit: 10, amount: 3 }]));
        if (reserved === undefined) throw new Error('no counter reserved');
        await store.settle([{ key, window: 'minute', windowStartMs: reserved.windowStartMs, delta: -50 }]);
        expect(await store.read([{ key, window: 'minute' }])).toEqual([0]);
        // Had the total gone negative, this would fit.
        expect(await store.reserve([{ key, window: 'minute', limit: 10, amount: 11 }])).toMatchObject({ ok: false, used: 0 });
      });
    });

    it('settles several counters in one call', async () => {
      const { store } = await openForTest(open);
      await inOneWindow(store, 'minute', async (suffix) => {
        const reserved = expectGranted(await store.reserve([
          { key: `rpm${suffix}`, window: 'minute', limit: 100, amount: 1 },
          { key: `usd${suffix}`, window: 'day', limit: 1_000_000, amount: 5_000 },
        ]));
        await store.settle(reserved.map((counter) => ({ key: counter.key, window: counter.window, windowStartMs: counter.windowStartMs, delta: counter.window === 'day' ? -1_250 : 0 })));
        expect(await store.read([{ key: `rpm${suffix}`, window: 'minute' }, { key: `usd${suffix}`, window: 'day' }])).toEqual([1, 3_750]);
      });
    });

    it('leaves a window that has ended alone', async () => {
      const { store } = await openForTest(open);
      await inOneWindow(store, 'minute', async (suffix) => {
        const key = `late${suffix}`;
        const [reserved] = expectGranted(await store.reserve([{ key, window: 'minute', limit: 100, amount: 10 }]));
        if (reserved === undefined) throw new Error('no counter reserved');
        const previousMinute = reserved.windowStartMs - windowLengthMs.minute;
        await store.settle([{ key, window: 'minute', windowStartMs: previousMinute, delta: 40 }]);
        await store.settle([{ key, window: 'minute', windowStartMs: previousMinute, delta: -10 }]);
        expect(await store.read([{ key, window: 'minute' }])).toEqual([10]);
      });
    });

    it('does not create a counter that was never reserved', async () => {
      const { store } = await openForTest(open);
      await inOneWindow(store, 'minute', async (suffix) => {
        const key = `ghost${suffix}`;
        const [probe] = expectGranted(await store.reserve([{ key: `other${suffix}`, window: 'minute', limit: 1, amount: 1 }]));
        if (probe === undefined) throw new Error('no counter reserved');
        await store.settle([{ key, window: 'minute', windowStartMs: probe.windowStartMs, delta: 7 }]);
        expect(await store.read([{ key, window: 'minute' }])).toEqual([0]);
        expectGranted(await store.reserve([{ key, window: 'minute', limit: 1, amount: 1 }]));
      });
    });

    it('accepts an empty list', async () => {
      const { store } = await openForTest(open);
      await expect(store.settle([])).resolves.toBeUndefined();
    });
  });
}
