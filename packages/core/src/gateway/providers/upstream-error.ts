/** Why an upstream call failed; decides whether the gateway retries or falls back. */
export type UpstreamFailure = 'status' | 'timeout' | 'connection' | 'bad_response' | 'aborted';

/**
 * A failed upstream call. `status` is the upstream's HTTP status where it answered one; 429, 5xx,
 * timeouts and connection errors are retryable (another attempt or target may succeed), 4xx other
 * than 429 are the caller's fault and are passed back as they are.
 */
export class UpstreamError extends Error {
  readonly kind = 'upstream' as const;
  readonly failure: UpstreamFailure;
  readonly status: number | null;
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  /** The upstream's own error body, in OpenAI's shape, when it sent one. */
  readonly upstreamBody: unknown;

  constructor(input: { failure: UpstreamFailure; message: string; status?: number | null; retryAfterMs?: number | null; upstreamBody?: unknown; cause?: unknown }) {
    super(input.message, { cause: input.cause });
    this.name = 'UpstreamError';
    this.failure = input.failure;
    this.status = input.status ?? null;
    this.retryAfterMs = input.retryAfterMs ?? null;
    this.upstreamBody = input.upstreamBody;
    this.retryable = input.failure === 'timeout' || input.failure === 'connection' || input.failure === 'bad_response' || (input.failure === 'status' && (this.status === 429 || (this.status !== null && this.status >= 500)));
  }
}

export function isUpstreamError(error: unknown): error is UpstreamError {
  return typeof error === 'object' && error !== null && (error as { kind?: unknown }).kind === 'upstream';
}

/** Retry-After in seconds or as an HTTP date, to milliseconds; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return null;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}
