import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BatchSpanProcessor, createBatchSpanProcessor } from './create-batch-span-processor.ts';
import type { OtlpSender, SendResult } from './create-otlp-sender.ts';

/** A sender whose requests the test answers one by one. */
function scriptedSender() {
  const calls: { spans: ReadableSpan[]; resolve: (result: SendResult) => void; reject: (error: Error) => void }[] = [];
  const sender: OtlpSender = {
    send: (spans) =>
      new Promise<SendResult>((resolve, reject) => {
        calls.push({ spans, resolve, reject });
        if (answerAll) resolve({ rejected: 0, errorMessage: '' });
      }),
    requests: 0,
    retries: 0,
  };
  return { sender, calls };
}

const span = (name: string): ReadableSpan => ({ name }) as ReadableSpan;
const names = (spans: ReadableSpan[]): string[] => spans.map((item) => item.name);
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

let processor: BatchSpanProcessor | undefined;
/** Set after each test, so that shutdown's final flush is answered. */
let answerAll = false;
beforeEach(() => {
  answerAll = false;
});
afterEach(async () => {
  answerAll = true;
  await processor?.shutdown();
});

describe('createBatchSpanProcessor', () => {
  it('sends a full batch at once and the rest on the timer', async () => {
    const { sender, calls } = scriptedSender();
    processor = createBatchSpanProcessor({ sender, flushIntervalMs: 50, maxBatchSize: 2, maxQueueSize: 10, onError: () => undefined });
    processor.onEnd(span('a'));
    await tick();
    expect(calls).toHaveLength(0);
    processor.onEnd(span('b'));
    await tick();
    expect(calls.map((call) => names(call.spans))).toEqual([['a', 'b']]);
    calls[0]?.resolve({ rejected: 0, errorMessage: '' });
    processor.onEnd(span('c'));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(calls.map((call) => names(call.spans))).toEqual([['a', 'b'], ['c']]);
    calls[1]?.resolve({ rejected: 0, errorMessage: '' });
    await processor.forceFlush();
    expect(processor.stats()).toMatchObject({ ended: 3, exported: 3, queued: 0, dropped: 0 });
  });

  it('drops the oldest spans when the queue is full, counts them, and flush still settles', async () => {
    const { sender, calls } = scriptedSender();
    processor = createBatchSpanProcessor({ sender, flushIntervalMs: 60_000, maxBatchSize: 100, maxQueueSize: 3, onError: () => undefined });
    for (const name of ['1', '2', '3', '4', '5']) processor.onEnd(span(name));
    expect(processor.stats()).toMatchObject({ queued: 3, dropped: 2, ended: 5 });
    const flushed = processor.forceFlush();
    await tick();
    expect(calls.map((call) => names(call.spans))).toEqual([['3', '4', '5']]);
    calls[0]?.resolve({ rejected: 1, errorMessage: 'one bad span' });
    await flushed;
    expect(processor.stats()).toMatchObject({ queued: 0, exported: 2, rejected: 1, dropped: 2, lastError: 'Keel rejected 1 of 3 spans: one bad span' });
  });

  it('flush waits for the spans ended before it, not for those ended during it', async () => {
    const { sender, calls } = scriptedSender();
    processor = createBatchSpanProcessor({ sender, flushIntervalMs: 60_000, maxBatchSize: 2, maxQueueSize: 100, onError: () => undefined });
    for (const name of ['a', 'b', 'c']) processor.onEnd(span(name));
    let settled = false;
    const flushed = processor.forceFlush().then(() => {
      settled = true;
    });
    await tick();
    processor.onEnd(span('d'));
    processor.onEnd(span('e'));
    calls[0]?.resolve({ rejected: 0, errorMessage: '' });
    await tick();
    // Batch two holds c (ended before the flush) and d; e waits for a later batch.
    expect(calls.map((call) => names(call.spans))).toEqual([['a', 'b'], ['c', 'd']]);
    expect(settled).toBe(false);
    calls[1]?.resolve({ rejected: 0, errorMessage: '' });
    await flushed;
    expect(settled).toBe(true);
    expect(processor.stats().queued).toBe(1);
  });

  it('reports a failed batch to onError and stats, never to the caller; a throwing onError is contained', async () => {
    const { sender, calls } = scriptedSender();
    const seen: string[] = [];
    processor = createBatchSpanProcessor({
      sender,
      flushIntervalMs: 60_000,
      maxBatchSize: 10,
      maxQueueSize: 10,
      onError: (error) => {
        seen.push(error.message);
        throw new Error('handler bug');
      },
    });
    processor.onEnd(span('a'));
    const flushed = processor.forceFlush();
    await tick();
    calls[0]?.reject(new Error('server down'));
    await expect(flushed).resolves.toBeUndefined();
    expect(seen).toEqual(['server down']);
    expect(processor.stats()).toMatchObject({ failed: 1, exported: 0, lastError: 'server down' });
  });

  it('after shutdown, ended spans are dropped and nothing more is sent', async () => {
    const { sender, calls } = scriptedSender();
    processor = createBatchSpanProcessor({ sender, flushIntervalMs: 10, maxBatchSize: 10, maxQueueSize: 10, onError: () => undefined });
    processor.onEnd(span('a'));
    const closing = processor.shutdown();
    await tick();
    processor.onEnd(span('late'));
    calls[0]?.resolve({ rejected: 0, errorMessage: '' });
    await closing;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(calls).toHaveLength(1);
    expect(processor.stats()).toMatchObject({ exported: 1, dropped: 1 });
  });
});
