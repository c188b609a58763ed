import type { MetricInput } from './runs-api.ts';

export interface MetricBufferOptions {
  /** Sends one batch; rejects when the batch was not stored. */
  send(batch: MetricInput[]): Promise<void>;
  /** Whether a failed batch may succeed later (it is kept) or not (it is dropped). */
  isRetryable(error: unknown): boolean;
  /** Metrics per request, at most the server's 1000 (default 1000). */
  batchSize?: number;
  /** How often buffered metrics go out in the background (default 1000 ms). */
  flushIntervalMs?: number;
}

export interface MetricBuffer {
  add(metric: MetricInput): void;
  /** Sends everything buffered; rejects with a failure not yet reported, background ones included. */
  flush(): Promise<void>;
  /** Stops the background timer; buffered metrics stay until the next flush. */
  close(): void;
  readonly pending: number;
}

/**
 * Buffers metrics and sends them in batches from a timer and whenever a batch fills. Background sends
 * never reject into the caller's code: their failures are kept and reported by the next `flush()`.
 */
export function createMetricBuffer(options: MetricBufferOptions): MetricBuffer {
  const batchSize = Math.min(1000, Math.max(1, options.batchSize ?? 1000));
  const buffer: MetricInput[] = [];
  let draining: Promise<void> | undefined;
  // Metrics the server refused: lost, so reported once even if later batches succeed.
  let refused: unknown;
  // A transient failure; its metrics are still buffered, so it matters only while they are.
  let stalled: unknown;

  const sendBatches = async (fullBatchesOnly: boolean): Promise<void> => {
    while (buffer.length >= (fullBatchesOnly ? batchSize : 1)) {
      // Only `sendBatches` removes from the front, and one runs at a time, so the batch stays at the front while it is sent.
      const batch = buffer.slice(0, batchSize);
      try {
        await options.send(batch);
        stalled = undefined;
      } catch (error) {
        if (options.isRetryable(error)) {
          stalled = error;
          return;
        }
        refused = error;
      }
      buffer.splice(0, batch.length);
    }
  };
  // `.finally` runs in a later microtask, after the assignment, even when `sendBatches` finishes at once.
  // A full batch sends only full batches, so that requests stay large; the timer and flush() send the rest.
  const drain = (fullBatchesOnly: boolean): Promise<void> => (draining ??= sendBatches(fullBatchesOnly).finally(() => (draining = undefined)));

  const timer = setInterval(() => {
    if (buffer.length > 0 && draining === undefined) void drain(false);
  }, options.flushIntervalMs ?? 1000);
  // A forgotten run must not keep the process alive.
  timer.unref();

  return {
    add(metric) {
      buffer.push(metric);
      if (buffer.length >= batchSize && draining === undefined) void drain(true);
    },
    async flush() {
      while (draining !== undefined) await draining;
      await drain(false);
      const failure = refused ?? (buffer.length > 0 ? stalled : undefined);
      refused = undefined;
      if (failure !== undefined) throw failure;
    },
    close() {
      clearInterval(timer);
    },
    get pending() {
      return buffer.length;
    },
  };
}
