import type { HttpResponse } from '../http-client.ts';
import { parseRetryAfter, UpstreamError } from './upstream-error.ts';
import type { CallSignal } from '../call-signal.ts';

/** Most of an upstream error body kept: enough for any provider's message, bounded against a flood. */
const maxErrorBodyChars = 64 * 1024;

/** A non-2xx upstream answer as an UpstreamError, keeping the upstream's message and Retry-After. */
export async function readUpstreamFailure(response: HttpResponse, provider: string, nowMs: number): Promise<UpstreamError> {
  let text = '';
  try {
    text = (await response.text()).slice(0, maxErrorBodyChars);
  } catch {
    // The body broke off; the status alone still says what happened.
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const message = messageOf(body) ?? (text.trim() === '' ? `HTTP ${response.status}` : text.trim().slice(0, 500));
  return new UpstreamError({
    failure: 'status',
    status: response.status,
    message: `${provider} answered ${response.status}: ${message}`,
    retryAfterMs: parseRetryAfter(response.headers['retry-after'], nowMs),
    upstreamBody: body,
  });
}

function messageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  const message = (body as { message?: unknown }).message;
  return typeof message === 'string' ? message : undefined;
}

/** A thrown fetch/undici error as an UpstreamError: aborted by us, timed out, or no connection. */
export function toTransportFailure(error: unknown, provider: string, signal: CallSignal, timedOut: boolean): UpstreamError {
  if (timedOut) return new UpstreamError({ failure: 'timeout', message: `${provider} did not answer in time`, cause: error });
  if (signal.aborted) return new UpstreamError({ failure: 'aborted', message: `the call to ${provider} was cancelled`, cause: error });
  const detail = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  return new UpstreamError({ failure: 'connection', message: `${provider} could not be reached: ${detail}`, cause: error });
}
