import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { LimitStore, LimitWindow, ReserveResult, ReservedCounter } from '@keel/spec';

/** A store under test, and the clock it reads when a test can set that clock. */
export interface LimitStoreUnderTest {
  store: LimitStore;
  /** Sets the store's clock (epoch ms). Absent for stores that read their own clock (Redis `TIME`). */
  setNow?: (epochMs: number) => void;
}

/**
 * Opens a new store; `namespace` is unique per test, so a store sharing a server with other tests
 * (Redis) keeps its counters apart by putting it in its key prefix.
 */
export type OpenLimitStore = (namespace: string) => Promise<LimitStoreUnderTest>;

export const windowLengthMs: Record<Exclude<LimitWindow, 'month'>, number> = { minute: 60_000, day: 86_400_000 };

export function uniqueNamespace(): string {
  return `limits-${randomUUID()}`;
}

/** True when `epochMs` starts a UTC minute, day or calendar month. */
export function isWindowStart(window: LimitWindow, epochMs: number): boolean {
  if (window !== 'month') return epochMs % windowLengthMs[window] === 0;
  const date = new Date(epochMs);
  return date.getUTCDate() === 1 && epochMs % windowLengthMs.day === 0;
}

export function expectGranted(result: ReserveResult): ReservedCounter[] {
  if (!result.ok) throw new Error(`expected the reservation to be granted, got ${JSON.stringify(result)}`);
  return result.reserved;
}

/** The start of the store's current window, found by reserving nothing on a probe counter. */
export async function currentWindowStart(store: LimitStore, window: LimitWindow): Promise<number> {
  const [probe] = expectGranted(await store.reserve([{ key: 'probe', window, limit: 0, amount: 0 }]));
  if (probe === undefined) throw new Error('probe reservation answered no counter');
  return probe.windowStartMs;
}

/**
 * Runs `scenario` with keys of its own and runs it again (up to three times) when it failed while
 * the store's `window` rolled over: a store on a real clock can cross a window edge mid-test, and a
 * crossing can only make a scenario fail, never pass wrongly.
 */
export async function inOneWindow(store: LimitStore, window: LimitWindow, scenario: (keySuffix: string) => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const before = await currentWindowStart(store, window);
    try {
      await scenario(`#${attempt}`);
      return;
    } catch (error) {
      const after = await currentWindowStart(store, window);
      if (after === before || attempt === 3) throw error;
    }
  }
}

/** A small deterministic generator (mulberry32), so a failing run can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function expectRefusalWithin(result: ReserveResult, windowMaxMs: number): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.retryAfterMs).toBeGreaterThan(0);
  expect(result.retryAfterMs).toBeLessThanOrEqual(windowMaxMs);
}
