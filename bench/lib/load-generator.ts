import type http from 'node:http';
import { collectGarbage } from './collect-garbage.ts';
import { httpRequest, keepAliveAgent } from './http-request.ts';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string | Buffer;
}

export interface LoadOptions {
  baseUrl: string;
  concurrency: number;
  /** A fixed number of requests, split evenly over the workers... */
  requests?: number;
  /** ...or as many as fit in this many milliseconds. */
  durationMs?: number;
  headers?: http.OutgoingHttpHeaders;
  /** The `index`-th request of worker `worker` (each worker counts from 0). */
  request: (worker: number, index: number) => LoadRequest;
  /** The status every answer must have (200). */
  expectStatus?: number;
  onProgress?: (completed: number) => void;
}

export interface LoadResult {
  completed: number;
  errors: number;
  firstError: string | undefined;
  elapsedMs: number;
  requestsPerSecond: number;
  /** Latency of each completed request, in ms, from writing the request to the end of the response. */
  latenciesMs: Float64Array;
}

/**
 * A closed-loop load generator: `concurrency` workers, each with its own keep-alive connection,
 * send one request, wait for the whole answer, send the next. Stops on count or duration. The bench
 * process collects its garbage first (`collectGarbage`).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if ((options.requests === undefined) === (options.durationMs === undefined)) throw new Error('runLoad needs exactly one of requests and durationMs');
  collectGarbage();
  const agent = keepAliveAgent(options.concurrency);
  const url = new URL(options.baseUrl);
  const expect = options.expectStatus ?? 200;
  const latencies: number[] = [];
  let completed = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = options.durationMs === undefined ? Infinity : started + options.durationMs;
  const quota = (worker: number): number => {
    if (options.requests === undefined) return Infinity;
    const base = Math.floor(options.requests / options.concurrency);
    return base + (worker < options.requests % options.concurrency ? 1 : 0);
  };
  const worker = async (id: number): Promise<void> => {
    const limit = quota(id);
    for (let index = 0; index < limit && performance.now() < deadline; index += 1) {
      const next = options.request(id, index);
      const sent = performance.now();
      try {
        const response = await httpRequest({ agent, url, method: next.method, path: next.path, headers: options.headers ?? {}, body: next.body });
        latencies.push(performance.now() - sent);
        if (response.status !== expect) {
          errors += 1;
          firstError ??= `${next.method} ${next.path} -> ${response.status}: ${response.body.toString('utf8').slice(0, 300)}`;
        }
      } catch (error) {
        errors += 1;
        firstError ??= `${next.method} ${next.path} -> ${String(error)}`;
      }
      completed += 1;
      options.onProgress?.(completed);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_unused, id) => worker(id)));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return { completed, errors, firstError, elapsedMs, requestsPerSecond: (completed / elapsedMs) * 1000, latenciesMs: Float64Array.from(latencies) };
}

/** Throws with the first error when any request failed: a benchmark of failing requests measures nothing. */
export function requireNoErrors(label: string, result: LoadResult): void {
  if (result.errors > 0) throw new Error(`${label}: ${result.errors} of ${result.completed} requests failed; first: ${result.firstError ?? '?'}`);
}
