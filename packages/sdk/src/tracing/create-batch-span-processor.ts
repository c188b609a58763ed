import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createSpanQueue } from './create-span-queue.ts';
import type { OtlpSender } from './create-otlp-sender.ts';
import { readTraceAttributes } from './trace-attributes.ts';

export interface TracingStats {
  /** Spans waiting in memory now. */
  queued: number;
  /** Spans in the request being sent now. */
  inFlight: number;
  /** Spans handed to the exporter since it started. */
  ended: number;
  /** Spans the server accepted. */
  exported: number;
  /** Spans the server answered but did not keep (OTLP partial success). */
  rejected: number;
  /** Spans dropped unsent: the oldest when the queue was full, and any ended after shutdown. */
  dropped: number;
  /** Spans lost because their batch could not be sent (server down, 4xx) after the retries. */
  failed: number;
  requests: number;
  retries: number;
  lastError: string | null;
}

export interface BatchSpanProcessorOptions {
  sender: OtlpSender;
  flushIntervalMs: number;
  maxBatchSize: number;
  maxQueueSize: number;
  onError: (error: Error) => void;
}

export interface BatchSpanProcessor extends SpanProcessor {
  stats(): TracingStats;
}

/**
 * Queues ended spans in memory and sends them in batches from the background. Ending a span costs a
 * ring-buffer push: encoding and sending happen later, off the caller's path, and a full queue drops
 * its oldest span instead of blocking or throwing. One request is in flight at a time, so a slow
 * server is met with larger batches rather than a pile of concurrent requests.
 */
export function createBatchSpanProcessor(options: BatchSpanProcessorOptions): BatchSpanProcessor {
  const { sender, maxBatchSize } = options;
  const queue = createSpanQueue<ReadableSpan>(options.maxQueueSize);
  let ended = 0;
  let exported = 0;
  let rejected = 0;
  let dropped = 0;
  let failed = 0;
  let inFlightCount = 0;
  let lastError: string | null = null;
  let inFlight: Promise<void> | undefined;
  let soon: NodeJS.Immediate | undefined;
  let closed = false;

  const report = (error: Error): void => {
    lastError = error.message;
    try {
      options.onError(error);
    } catch {
      // A failing error handler must not turn into a failure of the user's code.
    }
  };

  const exportBatch = async (): Promise<void> => {
    const batch = queue.take(maxBatchSize);
    inFlightCount = batch.length;
    try {
      const result = await sender.send(batch);
      const kept = Math.max(0, batch.length - result.rejected);
      exported += kept;
      rejected += batch.length - kept;
      if (result.rejected > 0) report(new Error(`Keel rejected ${result.rejected} of ${batch.length} spans${result.errorMessage === '' ? '' : `: ${result.errorMessage}`}`));
    } catch (error) {
      failed += batch.length;
      report(error instanceof Error ? error : new Error(String(error)));
    } finally {
      inFlightCount = 0;
    }
  };

  /** Starts sending the next batch unless one is on its way; resolves when that request is settled. */
  const sendNext = (): Promise<void> => {
    if (inFlight !== undefined) return inFlight;
    if (queue.length === 0) return Promise.resolve();
    inFlight = exportBatch().finally(() => {
      inFlight = undefined;
      // Spans that piled up during the request go out at once when they fill a batch.
      if (queue.length >= maxBatchSize && !closed) scheduleSoon();
    });
    return inFlight;
  };

  const scheduleSoon = (): void => {
    if (soon !== undefined) return;
    // setImmediate, not a microtask: encoding a batch must not run inside the span.end() that filled it.
    soon = setImmediate(() => {
      soon = undefined;
      void sendNext();
    });
    soon.unref();
  };

  const timer = setInterval(() => {
    if (queue.length > 0) void sendNext();
  }, options.flushIntervalMs);
  // Telemetry alone must never keep a process alive; flush() and shutdown() hold it while they wait.
  timer.unref();

  const flush = async (): Promise<void> => {
    // Every span ended so far has a sequence number <= target. The queue always holds the newest
    // contiguous run of sequence numbers (drops and sends both take the oldest), so its oldest is
    // ended - queue.length + 1, and waiting ends once that passes the target.
    const target = ended;
    const hold = setInterval(() => undefined, 1 << 30);
    try {
      for (;;) {
        if (inFlight !== undefined) {
          await inFlight;
          continue;
        }
        if (queue.length === 0 || ended - queue.length + 1 > target) return;
        await sendNext();
      }
    } finally {
      clearInterval(hold);
    }
  };

  return {
    onStart(span: Span, parentContext: Context): void {
      const attributes = readTraceAttributes(parentContext);
      if (attributes !== undefined) span.setAttributes(attributes);
    },
    onEnd(span: ReadableSpan): void {
      if (closed) {
        dropped += 1;
        return;
      }
      ended += 1;
      if (queue.push(span)) dropped += 1;
      if (queue.length >= maxBatchSize) scheduleSoon();
    },
    forceFlush: flush,
    async shutdown(): Promise<void> {
      if (closed) return;
      // Closed first: a span that ends during the final flush is counted as dropped, not left behind unseen.
      closed = true;
      clearInterval(timer);
      await flush();
      if (soon !== undefined) clearImmediate(soon);
      soon = undefined;
    },
    stats: () => ({
      queued: queue.length,
      inFlight: inFlightCount,
      ended,
      exported,
      rejected,
      dropped,
      failed,
      requests: sender.requests,
      retries: sender.retries,
      lastError,
    }),
  };
}
