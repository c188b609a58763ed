export interface RetryOptions {
  /** Tries in all, the first included (default 5). 1 turns retries off. */
  maxAttempts?: number;
  /** The backoff before the second try; it doubles after each failure (default 250 ms). */
  baseDelayMs?: number;
  /** No single wait is longer than this, whatever Retry-After says (default 8 s). */
  maxDelayMs?: number;
  /** Injected for tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
}

export interface RetryPolicy {
  maxAttempts: number;
  /** How long to wait after failed try number `attempt` (1-based). */
  delayMs(attempt: number, retryAfterMs?: number): number;
  sleep(ms: number): Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Exponential backoff with full jitter: many clients that failed together (a server restart) spread
 * their retries instead of coming back in lockstep. A server's Retry-After is honoured as a floor.
 */
export function createRetryPolicy(options: RetryOptions | false = {}): RetryPolicy {
  const settings = options === false ? { maxAttempts: 1 } : options;
  const maxAttempts = Math.max(1, Math.floor(settings.maxAttempts ?? 5));
  const baseDelayMs = settings.baseDelayMs ?? 250;
  const maxDelayMs = settings.maxDelayMs ?? 8000;
  const random = settings.random ?? Math.random;
  return {
    maxAttempts,
    delayMs(attempt, retryAfterMs) {
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const jittered = Math.round(random() * ceiling);
      return Math.min(maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
    },
    sleep: settings.sleep ?? defaultSleep,
  };
}
