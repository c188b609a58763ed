/** Fixed windows: the UTC minute, the UTC day, the UTC calendar month. */
export type LimitWindow = 'minute' | 'day' | 'month';

/** One counter a request draws on: requests, tokens, or micro-dollars in one window. */
export interface LimitCounter {
  /** Names the counter, e.g. `p1:k:app:tpm`; the window start is added by the store. */
  key: string;
  window: LimitWindow;
  /** Largest total the window may hold (integers: requests, tokens, micro-dollars). */
  limit: number;
  /** What this request reserves (an integer, at least 0). */
  amount: number;
}

/** Where a reservation landed, so that settling adjusts the same windows. */
export interface ReservedCounter {
  key: string;
  window: LimitWindow;
  /** Start of the window, epoch milliseconds, by the store's clock. */
  windowStartMs: number;
  amount: number;
}

export type ReserveResult =
  | { ok: true; reserved: ReservedCounter[] }
  | { ok: false; /** The first counter that would pass its limit. */ key: string; window: LimitWindow; limit: number; used: number; retryAfterMs: number };

/**
 * Counters for rate limits and budgets. `reserve` is atomic across every counter given: either all
 * amounts are added (no counter passes its limit) or none is. Embedded: in-process; scale-out: a
 * Redis script run with the Redis clock, so that several gateway processes share the limits.
 */
export interface LimitStore {
  reserve(counters: readonly LimitCounter[]): Promise<ReserveResult>;
  /** Adds each delta (negative gives back) to the window it was reserved in; a window already past is left alone. */
  settle(adjustments: readonly { key: string; window: LimitWindow; windowStartMs: number; delta: number }[]): Promise<void>;
  /** Current totals, for usage display and tests. */
  read(counters: readonly { key: string; window: LimitWindow }[]): Promise<number[]>;
  close(): Promise<void>;
}
