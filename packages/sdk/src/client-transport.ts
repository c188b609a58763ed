import { type FetchLike, type Transport, createTransport } from './create-transport.ts';
import { type RetryOptions, createRetryPolicy } from './retry-policy.ts';

export interface KeelClientOptions {
  /** Where Keel listens, e.g. http://127.0.0.1:4000. */
  baseUrl: string;
  apiKey: string;
  /** Act in this project (instance administrator key only; sent as X-Keel-Project). */
  project?: string | undefined;
  /** Defaults to globalThis.fetch. */
  fetch?: FetchLike | undefined;
  /** Backoff for transient failures (network, 429, 502, 503, 504); `false` sends each request once. */
  retry?: RetryOptions | false | undefined;
}

/** The transport a client sends with, after checking its options. */
export function clientTransport(options: KeelClientOptions): Transport {
  if (options.baseUrl.trim() === '') throw new TypeError('createKeelClient: baseUrl is required');
  if (options.apiKey.trim() === '') throw new TypeError('createKeelClient: apiKey is required');
  return createTransport({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    project: options.project,
    // Looked up per call so that a fetch swapped in later (test doubles, instrumentation) is seen.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    retry: createRetryPolicy(options.retry),
  });
}
