import type { OtlpSpan } from '@keel/spec';

export interface GatewaySpanSinkOptions {
  /** Resolves once the spans are durable (the trace ingest service). */
  ingest: (projectId: number, spans: OtlpSpan[]) => Promise<void>;
  /** Spans wait at most this long before being handed on. */
  flushIntervalMs: number;
  /** A project's spans are handed on at once when this many wait. */
  maxBatch: number;
  /** Past this many spans waiting or being written, new ones are dropped (counted), never queued without bound. */
  maxPending: number;
  onError: (error: unknown, dropped: number) => void;
}

export interface GatewaySpanSink {
  /** Never waits and never throws: tracing must not sit on the response path. */
  add(projectId: number, span: OtlpSpan): void;
  /** Hands on everything waiting and waits for it to be written. */
  drain(): Promise<void>;
  stats(): { pending: number; written: number; dropped: number };
}

/** Collects gateway spans per project and writes them in batches, off the response path. */
export function createGatewaySpanSink(options: GatewaySpanSinkOptions): GatewaySpanSink {
  const waiting = new Map<number, OtlpSpan[]>();
  const inFlight = new Set<Promise<void>>();
  let pending = 0;
  let written = 0;
  let dropped = 0;
  let timer: NodeJS.Timeout | undefined;

  function handOn(projectId: number): void {
    const spans = waiting.get(projectId);
    if (spans === undefined || spans.length === 0) return;
    waiting.delete(projectId);
    const write = options
      .ingest(projectId, spans)
      .then(
        () => {
          written += spans.length;
        },
        (error: unknown) => {
          dropped += spans.length;
          options.onError(error, spans.length);
        },
      )
      .finally(() => {
        pending -= spans.length;
        inFlight.delete(write);
      });
    inFlight.add(write);
  }

  function flushAll(): void {
    timer = undefined;
    for (const projectId of [...waiting.keys()]) handOn(projectId);
  }

  return {
    add(projectId, span) {
      if (pending >= options.maxPending) {
        dropped += 1;
        return;
      }
      pending += 1;
      const spans = waiting.get(projectId);
      if (spans === undefined) waiting.set(projectId, [span]);
      else spans.push(span);
      if ((spans?.length ?? 1) >= options.maxBatch) handOn(projectId);
      else if (timer === undefined) {
        timer = setTimeout(flushAll, options.flushIntervalMs);
        timer.unref();
      }
    },
    async drain() {
      if (timer !== undefined) clearTimeout(timer);
      flushAll();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    stats: () => ({ pending, written, dropped }),
  };
}
