import { KeelError, type ProjectSpan } from '@keel/spec';

export interface SpanWriteBufferOptions {
  write: (spans: ProjectSpan[]) => Promise<void>;
  /** Spans accepted but not yet durable; a request that would go past this is refused with 503 (one larger than it is taken alone). */
  maxQueuedSpans: number;
  /** Most spans written in one store transaction. */
  maxBatchSpans: number;
  /** Batches handed to `write` before the first of them is durable (default 1). */
  writesInFlight?: number;
  /** Seconds a refused client is told to wait (Retry-After). */
  retryAfterSeconds: number;
}

export interface SpanWriteBufferStats {
  queuedSpans: number;
  writtenSpans: number;
  refusedSpans: number;
  /** Batches handed to the store's `write` and written (the store may join several in one transaction). */
  transactions: number;
}

export interface SpanWriteBuffer {
  /** Resolves once every span given is durable; rejects with TEMPORARILY_UNAVAILABLE when the buffer is full. */
  submit(spans: ProjectSpan[]): Promise<void>;
  /** Resolves when everything submitted so far is written (or failed). */
  drain(): Promise<void>;
  stats(): SpanWriteBufferStats;
}

interface Pending {
  /** `handedOver` once given to `write`. */
  spans: ProjectSpan[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** What a pending request's `spans` become once handed to `write`. */
const handedOver: ProjectSpan[] = [];

/**
 * Coalesces the spans of concurrent requests into few store transactions, with one write at a time
 * (or `writesInFlight`, when the store writes from another thread and joins them itself).
 * Memory is bounded by `maxQueuedSpans`: past it, requests are refused (503 + Retry-After) rather than
 * queued, and nothing is ever dropped after it was accepted: a request is answered only after its
 * spans are durable, or with the store's error.
 */
export function createSpanWriteBuffer(options: SpanWriteBufferOptions): SpanWriteBuffer {
  const queue: Pending[] = [];
  let queuedSpans = 0;
  const writers = new Set<Promise<void>>();
  const writesInFlight = options.writesInFlight ?? 1;
  const counters = { writtenSpans: 0, refusedSpans: 0, transactions: 0 };

  /**
   * Gives the batch's spans to `write` and lets go of them: whoever writes them keeps what it needs
   * (the span writer thread has a copy by then), and spans kept referenced here until they are
   * durable would be copied by every young-generation GC meanwhile.
   */
  function handOver(batch: Pending[]): Promise<void> {
    const spans = batch.length === 1 ? (batch[0]?.spans ?? []) : batch.flatMap((pending) => pending.spans);
    for (const pending of batch) pending.spans = handedOver;
    return options.write(spans);
  }

  async function writeLoop(): Promise<void> {
    while (queue.length > 0) {
      const batch: Pending[] = [];
      let size = 0;
      while (queue.length > 0) {
        const next = queue[0];
        if (next === undefined || (batch.length > 0 && size + next.spans.length > options.maxBatchSpans)) break;
        queue.shift();
        batch.push(next);
        size += next.spans.length;
      }
      try {
        await handOver(batch);
        counters.writtenSpans += size;
        counters.transactions += 1;
        for (const pending of batch) pending.resolve();
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      } finally {
        queuedSpans -= size;
      }
    }
  }

  function startWriter(): void {
    if (writers.size >= writesInFlight || queue.length === 0) return;
    const writer: Promise<void> = writeLoop().finally(() => {
      writers.delete(writer);
      startWriter();
    });
    writers.add(writer);
  }

  return {
    submit(spans) {
      if (spans.length === 0) return Promise.resolve();
      // A request larger than the whole bound is taken when nothing else waits: it could never fit
      // otherwise, and its exporter would retry it for ever (the request size has its own limit).
      if (queuedSpans > 0 && queuedSpans + spans.length > options.maxQueuedSpans) {
        counters.refusedSpans += spans.length;
        return Promise.reject(
          new KeelError('TEMPORARILY_UNAVAILABLE', `The trace ingest buffer is full (${options.maxQueuedSpans} spans waiting to be written); retry after ${options.retryAfterSeconds} s`, {
            details: { retry_after_seconds: options.retryAfterSeconds },
          }),
        );
      }
      queuedSpans += spans.length;
      const done = new Promise<void>((resolve, reject) => queue.push({ spans, resolve, reject }));
      startWriter();
      return done;
    },
    async drain() {
      while (writers.size > 0) await Promise.all(writers);
    },
    stats: () => ({ queuedSpans, ...counters }),
  };
}
