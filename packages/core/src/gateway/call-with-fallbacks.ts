import type { RouteTarget } from '@keel/spec';
import type { CircuitBreakerPolicy, CircuitBreakers } from './create-circuit-breakers.ts';
import { isUpstreamError, UpstreamError } from './providers/upstream-error.ts';
import type { CallSignal } from './call-signal.ts';

export interface RetryPolicy {
  attempts: number;
  base_delay_ms: number;
  max_delay_ms: number;
}

/** One try of one target, as traces and the `x-keel-fallback-path` header show it. */
export interface AttemptRecord {
  provider: string;
  model: string;
  outcome: 'ok' | 'failed' | 'circuit_open';
  status: number | null;
  error: string | null;
}

export interface FallbackInput<T> {
  targets: readonly RouteTarget[];
  retry: RetryPolicy;
  breaker: CircuitBreakerPolicy;
  breakers: CircuitBreakers;
  /** Names a target's breaker (scoped by project by the caller). */
  breakerKey: (target: RouteTarget) => string;
  call: (target: RouteTarget) => Promise<T>;
  sleep: (ms: number, signal: CallSignal) => Promise<void>;
  random: () => number;
  signal: CallSignal;
}

/** Every target failed (or the request itself was refused upstream); `path` says what was tried. */
export class GatewayCallError extends Error {
  readonly kind = 'gateway-call' as const;
  constructor(
    readonly last: UpstreamError,
    readonly path: AttemptRecord[],
  ) {
    super(last.message, { cause: last });
    this.name = 'GatewayCallError';
  }
}

export function isGatewayCallError(error: unknown): error is GatewayCallError {
  return typeof error === 'object' && error !== null && (error as { kind?: unknown }).kind === 'gateway-call';
}

/** Full jitter: a random wait up to the exponential step, so retrying clients spread out. */
export function backoffDelay(retry: RetryPolicy, attempt: number, random: () => number): number {
  const step = Math.min(retry.max_delay_ms, retry.base_delay_ms * 2 ** attempt);
  return Math.round(random() * step);
}

/**
 * Tries the targets in order: each up to `retry.attempts` more times on a retryable failure (429,
 * 5xx, time-out, connection), waiting with backoff and at least the upstream's Retry-After (a
 * Retry-After longer than `max_delay_ms` moves on to the next target at once). A target whose
 * circuit is open is skipped. A non-retryable failure (a 4xx other than 429: the request itself
 * is wrong) ends the search, since another target would refuse it too.
 */
export async function callWithFallbacks<T>(input: FallbackInput<T>): Promise<{ result: T; target: RouteTarget; path: AttemptRecord[] }> {
  const path: AttemptRecord[] = [];
  let last: UpstreamError | undefined;
  for (const target of input.targets) {
    const key = input.breakerKey(target);
    if (!input.breakers.allows(key, input.breaker)) {
      path.push({ provider: target.provider, model: target.model, outcome: 'circuit_open', status: null, error: null });
      continue;
    }
    for (let attempt = 0; attempt <= input.retry.attempts; attempt += 1) {
      try {
        const result = await input.call(target);
        input.breakers.succeeded(key);
        path.push({ provider: target.provider, model: target.model, outcome: 'ok', status: 200, error: null });
        return { result, target, path };
      } catch (error) {
        const failure = isUpstreamError(error) ? error : new UpstreamError({ failure: 'bad_response', message: error instanceof Error ? error.message : String(error), cause: error });
        path.push({ provider: target.provider, model: target.model, outcome: 'failed', status: failure.status, error: failure.message });
        last = failure;
        if (failure.failure === 'aborted' || input.signal.aborted) throw new GatewayCallError(failure, path);
        if (!failure.retryable) throw new GatewayCallError(failure, path);
        input.breakers.failed(key, input.breaker);
        if (attempt === input.retry.attempts || !input.breakers.allows(key, input.breaker)) break;
        if (failure.retryAfterMs !== null && failure.retryAfterMs > input.retry.max_delay_ms) break;
        const delay = Math.max(backoffDelay(input.retry, attempt, input.random), failure.retryAfterMs ?? 0);
        await input.sleep(delay, input.signal);
        if (input.signal.aborted) throw new GatewayCallError(new UpstreamError({ failure: 'aborted', message: 'the client went away' }), path);
      }
    }
  }
  throw new GatewayCallError(last ?? new UpstreamError({ failure: 'connection', message: 'every target of this model is resting after repeated failures (circuit open)', status: 503 }), path);
}
