import { collectGarbage } from './collect-garbage.ts';
import type http from 'node:http';
import { httpRequest, keepAliveAgent } from './http-request.ts';
import type { LoadRequest } from './load-generator.ts';

export interface OpenLoopOptions {
  baseUrl: string;
  /** Requests started per second, whatever the answers. */
  ratePerSecond: number;
  durationMs: number;
  /** Past this many unanswered requests, a due request is skipped (and counted), or with `whenFull: 'wait'` queued in the client. */
  maxInFlight: number;
  /**
   * What a request due while `maxInFlight` are unanswered does: `skip` (the default; an overload
   * test) or `wait` for a free slot, first due first sent, its latency then counted from when it was
   * due (so a stall in the server shows in the latencies rather than hiding as unsent requests).
   */
  whenFull?: 'skip' | 'wait';
  headers: http.OutgoingHttpHeaders;
  request: (index: number) => LoadRequest;
  /** Each answer, as it arrives. */
  onAnswer?: (index: number, status: number, headers: http.IncomingHttpHeaders) => void;
  onProgress?: (sent: number) => void;
}

export interface OpenLoopResult {
  /** Requests due at the fixed rate. */
  offered: number;
  sent: number;
  /** Due while `maxInFlight` requests were unanswered (`whenFull: 'skip'`). */
  skipped: number;
  /** Due while `maxInFlight` requests were unanswered, sent when one was answered (`whenFull: 'wait'`). */
  waited: number;
  /** The longest such wait in the client, in milliseconds. */
  maxWaitMs: number;
  /** Answers by HTTP status. */
  statuses: Record<number, number>;
  /** Requests that got no HTTP answer (connection errors). */
  failed: number;
  firstFailure: string | undefined;
  elapsedMs: number;
  /** Send-to-answer time of every answered request (due-to-answer for those that waited). */
  latenciesMs: Float64Array;
  maxInFlightSeen: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An open-loop load: requests start on a fixed schedule, not when the previous one is answered, so
 * a server slower than the offered rate faces a growing backlog, as it would from many independent
 * exporters. In-flight requests are capped (a client has finite sockets); the excess is counted.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  collectGarbage();
  const agent = keepAliveAgent(options.maxInFlight);
  const url = new URL(options.baseUrl);
  const statuses: Record<number, number> = {};
  const latencies: number[] = [];
  const pending = new Set<Promise<void>>();
  let offered = 0;
  let sent = 0;
  let skipped = 0;
  let waited = 0;
  let maxWaitMs = 0;
  const queue: { index: number; dueAt: number }[] = [];
  let failed = 0;
  let firstFailure: string | undefined;
  let maxInFlightSeen = 0;
  const started = performance.now();
  const end = started + options.durationMs;
  const send = (index: number, at: number): void => {
    const next = options.request(index);
    const done = httpRequest({ agent, url, method: next.method, path: next.path, headers: options.headers, body: next.body })
      .then(
        (response) => {
          latencies.push(performance.now() - at);
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          options.onAnswer?.(index, response.status, response.headers);
        },
        (error: unknown) => {
          failed += 1;
          firstFailure ??= String(error);
        },
      )
      .finally(() => {
        pending.delete(done);
        const queued = queue.shift();
        if (queued !== undefined) {
          maxWaitMs = Math.max(maxWaitMs, performance.now() - queued.dueAt);
          send(queued.index, queued.dueAt);
        }
      });
    pending.add(done);
    maxInFlightSeen = Math.max(maxInFlightSeen, pending.size);
    sent += 1;
    options.onProgress?.(sent);
  };
  for (let now = performance.now(); now < end; now = performance.now()) {
    const due = Math.floor(((now - started) / 1000) * options.ratePerSecond);
    while (offered < due) {
      if (pending.size < options.maxInFlight && queue.length === 0) send(offered, now);
      else if (options.whenFull === 'wait') {
        queue.push({ index: offered, dueAt: now });
        waited += 1;
      } else skipped += 1;
      offered += 1;
    }
    await sleep(2);
  }
  while (pending.size > 0) await Promise.all(pending);
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return { offered, sent, skipped, waited, maxWaitMs, statuses, failed, firstFailure, elapsedMs, latenciesMs: Float64Array.from(latencies), maxInFlightSeen };
}
