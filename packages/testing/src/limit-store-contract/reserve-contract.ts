import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '@keel/spec';
import type { LimitWindow } from '@keel/spec';
import { type OpenLimitStore, expectGranted, expectRefusalWithin, inOneWindow, isWindowStart, windowLengthMs } from './limit-store-harness.ts';
import { openForTest } from './open-for-test.ts';

const monthMaxMs = 31 * windowLengthMs.day;

export function describeReserveContract(open: OpenLimitStore): void {
  describe('reserve', () => {
    it('grants counters within their limits and says which window each landed in', async () => {
      const { store } = await openForTest(open);
      const windows: LimitWindow[] = ['minute', 'day', 'month'];
      await inOneWindow(store, 'minute', async (suffix) => {
        const reserved = expectGranted(await store.reserve(windows.map((window) => ({ key: `k${suffix}`, window, limit: 10, amount: 3 }))));
        expect(reserved.map((counter) => [counter.key, counter.window, counter.amount])).toEqual(windows.map((window) => [`k${suffix}`, window, 3]));
        for (const counter of reserved) expect(isWindowStart(counter.window, counter.windowStartMs), `${counter.window} ${counter.windowStartMs}`).toBe(true);
        const [minute, day, month] = reserved.map((counter) => counter.windowStartMs);
        // The windows nest: the minute lies in the day, the day in the month.
        expect(day).toBeLessThanOrEqual(minute ?? Number.NaN);
        expect(minute).toBeLessThan((day ?? Number.NaN) + windowLengthMs.day);
        expect(month).toBeLessThanOrEqual(day ?? Number.NaN);
        expect(await store.read(windows.map((window) => ({ key: `k${suffix}`, window })))).toEqual([3, 3, 3]);
      });
    });

    it('grants up to the limit exactly and refuses one more', async () => {
      const { store } = await openForTest(open);
      await inOneWindow(store, 'minute', async (suffix) => {
        const key = `exact${suffix}`;
        expectGranted(await store.reserve([{ key, window: 'minute', limit: 10, amount: 4 }]));
        expectGranted(await store.reserve([{ key, window: 'minute', limit: 10, amount: 6 }]));
        // An amount of 0 fits into a full counter.
        expectGranted(await store.reserve([{ key, window: 'minute', limit: 10, amount: 0 }]));
        const refused = await store.reserve([{ key, window: 'minute', limit: 10, amount: 1 }]);
        expect(refused).toMatchObject({ ok: false, key, window: 'minute', limit: 10, used: 10 });
        expectRefusalWithin(refused, windowLengthMs.minute);
        expect(await store.read([{ key, window: 'minute' }])).toEqual([10]);
      });
    });

    it('is all or nothing: a full second counter leaves the first unchanged', async () => {
      const { store } = await openForTest(open);
      await inOneWindow(store, 'minute', async (suffix) => {
        const tokens = `tokens${suffix}`;
        const budget = `budget${suffix}`;
        expectGranted(await store.reserve([{ key: budget, window: 'month', limit: 5, amount: 5 }]));
        const refused = await store.reserve([
          { key: tokens, window: 'minute', limit: 100, amount: 10 },
          { key: budget, window: 'month', limit: 5, amount: 1 },
        ]);
        expect(refused).toMatchObject({ ok: false, key: budget, window: 'month', limit: 5, used: 5 });
        expectRefusalWithin(refused, monthMaxMs);
        expect(await store.read([{ key: tokens, window: 'minute' }, { key: budget, window: 'month' }])).toEqual([0, 5]);
      });
    });

    it('reports the first counter, in the order given, that would pass its limit', async () => {
      const { store } = await openForTest(open);
      await inOneWindow(store, 'minute', async (suffix) => {
        const refused = await store.reserve([
          { key: `fits${suffix}`, window: 'minute', limit: 10, amount: 1 },
          { key: `first${suffix}`, window: 'day', limit: 2, amount: 3 },
          { key: `second${suffix}`, window: 'minute', limit: 2, amount: 3 },
        ]);
        expect(refused).toMatchObject({ ok: false, key: `first${suffix}`, window: 'day', limit: 2, used: 0 });
        expectRefusalWithin(refused, windowLengthMs.day);
        expect(await store.read([{ key: `fits${suffix}`, window: 'minute' }])).toEqual([0]);
      });
    });

    it('refuses an amount that alone passes the limit, even on an empty counter', async () => {
      const { store } = await openForTest(open);
      await inOneWindow(store, 'minute', async (suffix) => {
        const refused = await store.reserve([{ key: `huge${suffix}`, window: 'minute', limit: 5, amount: 6 }]);
        expect(refused).toMatchObject({ ok: false, key: `huge${suffix}`, limit: 5, used: 0 });
        expectRefusalWithin(refused, windowLengthMs.minute);
        const zeroLimit = await store.reserve([{ key: `closed${suffix}`, window: 'day', limit: 0, amount: 1 }]);
        expect(zeroLimit).toMatchObject({ ok: false, key: `closed${suffix}`, limit: 0, used: 0 });
        expect(await store.read([{ key: `huge${suffix}`, window: 'minute' }, { key: `closed${suffix}`, window: 'day' }])).toEqual([0, 0]);
      });
    });

    it('checks a counter listed twice against the sum of its amounts', async () => {
      const { store } = await openForTest(open);
      await inOneWindow(store, 'minute', async (suffix) => {
        const key = `twice${suffix}`;
        const refused = await store.reserve([
          { key, window: 'minute', limit: 10, amount: 6 },
          { key, window: 'minute', limit: 10, amount: 5 },
        ]);
        expect(refused).toMatchObject({ ok: false, key, used: 6 });
        expect(await store.read([{ key, window: 'minute' }])).toEqual([0]);
        expectGranted(await store.reserve([
          { key, window: 'minute', limit: 10, amount: 6 },
          { key, window: 'minute', limit: 10, amount: 4 },
        ]));
        expect(await store.read([{ key, window: 'minute' }])).toEqual([10]);
      });
    });

    it('keeps the same key in different windows apart', async () => {
      const { store } = await openForTest(open);
      await inOneWindow(store, 'minute', async (suffix) => {
        const key = `shared${suffix}`;
        expectGranted(await store.reserve([{ key, window: 'minute', limit: 2, amount: 2 }]));
        expectGranted(await store.reserve([{ key, window: 'day', limit: 2, amount: 1 }]));
        expect(await store.read([{ key, window: 'minute' }, { key, window: 'day' }, { key, window: 'month' }])).toEqual([2, 1, 0]);
      });
    });

    it('grants an empty list and reads unknown counters as 0', async () => {
      const { store } = await openForTest(open);
      expect(await store.reserve([])).toEqual({ ok: true, reserved: [] });
      expect(await store.read([])).toEqual([]);
      expect(await store.read([{ key: 'never-used', window: 'minute' }, { key: 'never-used', window: 'month' }])).toEqual([0, 0]);
    });

    it('rejects amounts and limits that are not integers of at least 0', async () => {
      const { store } = await openForTest(open);
      for (const bad of [{ amount: -1, limit: 10 }, { amount: 1.5, limit: 10 }, { amount: 1, limit: -1 }, { amount: 1, limit: Number.NaN }]) {
        const error: unknown = await store.reserve([{ key: 'ok', window: 'day', limit: 10, amount: 1 }, { key: 'bad', window: 'day', ...bad }]).then(
          () => undefined,
          (rejection: unknown) => rejection,
        );
        expect(hasErrorCode(error, 'INVALID_PARAMETER_VALUE'), JSON.stringify(bad)).toBe(true);
      }
      expect(await store.read([{ key: 'ok', window: 'day' }])).toEqual([0]);
    });
  });
}
