import { invalid } from '@keel/spec';
import type { LimitCounter, LimitStore, LimitWindow, ReserveResult, ReservedCounter } from '@keel/spec';
import { windowEnd, windowStart } from './limit-window-bounds.ts';

export interface MemoryLimitStoreOptions {
  clock: { now(): number };
}

export interface MemoryLimitStore extends LimitStore {
  /** How many (window, key) counters the store holds now; for memory metrics and tests. */
  heldCounterCount(): number;
}

interface WindowTotal {
  windowStartMs: number;
  windowEndMs: number;
  total: number;
}

type SettleAdjustment = Parameters<LimitStore['settle']>[0][number];

// Sweeping every expired entry costs O(entries); doing it at most once a minute keeps the cost
// amortised while bounding memory to the counters touched in the current windows plus one minute.
const sweepEveryMs = 60_000;

/**
 * The embedded limit store: counters in a Map, one entry per (window, key) holding only the
 * current window. Every method runs synchronously before its promise settles, so `reserve` is
 * atomic without locks: no other caller can run between its check and its increment.
 */
export function createMemoryLimitStore(options: MemoryLimitStoreOptions): MemoryLimitStore {
  const { clock } = options;
  const totals = new Map<string, WindowTotal>();
  let nextSweepAt = Number.NEGATIVE_INFINITY;
  let closed = false;

  const entryName = (window: LimitWindow, key: string): string => `${window}\u0000${key}`;

  function sweep(now: number): void {
    if (now < nextSweepAt) return;
    nextSweepAt = now + sweepEveryMs;
    for (const [name, entry] of totals) {
      if (entry.windowEndMs <= now || entry.windowStartMs > now) totals.delete(name);
    }
  }

  function currentTotal(window: LimitWindow, key: string, startMs: number): number {
    const entry = totals.get(entryName(window, key));
    return entry !== undefined && entry.windowStartMs === startMs ? entry.total : 0;
  }

  function assertOpen(): void {
    if (closed) throw new Error('limit store is closed');
  }

  function reserveNow(counters: readonly LimitCounter[]): ReserveResult {
    assertOpen();
    for (const counter of counters) checkCounter(counter);
    const now = clock.now();
    sweep(now);
    // Amounts already claimed by earlier counters of this call on the same (window, key), so that
    // a key listed twice is checked against the sum of both amounts.
    const pending = new Map<string, number>();
    const reserved: ReservedCounter[] = [];
    for (const counter of counters) {
      const startMs = windowStart(counter.window, now);
      const name = entryName(counter.window, counter.key);
      const used = currentTotal(counter.window, counter.key, startMs) + (pending.get(name) ?? 0);
      if (used + counter.amount > counter.limit) {
        return {
          ok: false,
          key: counter.key,
          window: counter.window,
          limit: counter.limit,
          used,
          retryAfterMs: windowEnd(counter.window, now) - now,
        };
      }
      pending.set(name, (pending.get(name) ?? 0) + counter.amount);
      reserved.push({ key: counter.key, window: counter.window, windowStartMs: startMs, amount: counter.amount });
    }
    for (const counter of reserved) {
      const name = entryName(counter.window, counter.key);
      const entry = totals.get(name);
      if (entry !== undefined && entry.windowStartMs === counter.windowStartMs) {
        entry.total += counter.amount;
      } else {
        totals.set(name, { windowStartMs: counter.windowStartMs, windowEndMs: windowEnd(counter.window, now), total: counter.amount });
      }
    }
    return { ok: true, reserved };
  }

  function settleNow(adjustments: readonly SettleAdjustment[]): void {
    assertOpen();
    for (const adjustment of adjustments) {
      if (!Number.isSafeInteger(adjustment.delta)) throw invalid('limit settle delta must be an integer', { key: adjustment.key, delta: adjustment.delta });
    }
    const now = clock.now();
    sweep(now);
    for (const adjustment of adjustments) {
      const entry = totals.get(entryName(adjustment.window, adjustment.key));
      // A window that has ended (or was never reserved in) is left alone: its entry is gone or
      // holds a later window.
      if (entry === undefined || entry.windowStartMs !== adjustment.windowStartMs || entry.windowEndMs <= now) continue;
      // Never below zero: a negative total would hand out room that was never paid for.
      entry.total = Math.max(0, entry.total + adjustment.delta);
    }
  }

  function readNow(counters: readonly { key: string; window: LimitWindow }[]): number[] {
    assertOpen();
    const now = clock.now();
    return counters.map((counter) => currentTotal(counter.window, counter.key, windowStart(counter.window, now)));
  }

  const run = <T>(work: () => T): Promise<T> => {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };

  return {
    reserve: (counters) => run(() => reserveNow(counters)),
    settle: (adjustments) => run(() => settleNow(adjustments)),
    read: (counters) => run(() => readNow(counters)),
    heldCounterCount: () => totals.size,
    close: () => {
      closed = true;
      totals.clear();
      return Promise.resolve();
    },
  };
}

function checkCounter(counter: LimitCounter): void {
  if (!Number.isSafeInteger(counter.amount) || counter.amount < 0) {
    throw invalid('limit counter amount must be an integer of at least 0', { key: counter.key, amount: counter.amount });
  }
  if (!Number.isSafeInteger(counter.limit) || counter.limit < 0) {
    throw invalid('limit counter limit must be an integer of at least 0', { key: counter.key, limit: counter.limit });
  }
}
