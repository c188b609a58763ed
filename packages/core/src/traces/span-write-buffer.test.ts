import { hasErrorCode, type ProjectSpan } from '@keel/spec';
import { describe, expect, it } from 'vitest';
import { createSpanWriteBuffer } from './span-write-buffer.ts';

const spans = (count: number, tag = 'a'): ProjectSpan[] => Array.from({ length: count }, (_, index) => ({ projectId: 1, span: { spanId: `${tag}${index}` } as ProjectSpan['span'] }));

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('span write buffer', () => {
  it('coalesces requests that wait behind a write into one transaction, and answers each after it is written', async () => {
    const writes: number[] = [];
    const first = gate();
    let calls = 0;
    const buffer = createSpanWriteBuffer({
      write: async (batch) => {
        calls += 1;
        if (calls === 1) await first.opened;
        writes.push(batch.length);
      },
      maxQueuedSpans: 1000, maxBatchSpans: 500, retryAfterSeconds: 1,
    });
    const done: string[] = [];
    const one = buffer.submit(spans(10)).then(() => done.push('one'));
    const two = buffer.submit(spans(20)).then(() => done.push('two'));
    const three = buffer.submit(spans(30)).then(() => done.push('three'));
    await Promise.resolve();
    expect(done).toEqual([]);
    first.open();
    await Promise.all([one, two, three]);
    expect(writes).toEqual([10, 50]);
    expect(buffer.stats()).toMatchObject({ queuedSpans: 0, writtenSpans: 60, transactions: 2 });
  });

  it('with writesInFlight, hands requests to the store while earlier writes are pending, at most that many at once; drain waits for all', async () => {
    const gates = [gate(), gate(), gate()];
    const started: number[] = [];
    const buffer = createSpanWriteBuffer({
      write: async (batch) => {
        const index = started.length;
        started.push(batch.length);
        await gates[index]?.opened;
      },
      maxQueuedSpans: 1000, maxBatchSpans: 500, retryAfterSeconds: 1, writesInFlight: 2,
    });
    const done: number[] = [];
    const one = buffer.submit(spans(10)).then(() => done.push(1));
    const two = buffer.submit(spans(20)).then(() => done.push(2));
    const three = buffer.submit(spans(30)).then(() => done.push(3));
    expect(started).toEqual([10, 20]);
    gates[1]?.open();
    await two;
    expect(started).toEqual([10, 20, 30]);
    let drained = false;
    const draining = buffer.drain().then(() => (drained = true));
    gates[2]?.open();
    await three;
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    gates[0]?.open();
    await Promise.all([one, draining]);
    expect(done).toEqual([2, 3, 1]);
    expect(buffer.stats()).toMatchObject({ queuedSpans: 0, writtenSpans: 60, transactions: 3 });
  });

  it('splits coalesced work at maxBatchSpans', async () => {
    const writes: number[] = [];
    const first = gate();
    const buffer = createSpanWriteBuffer({
      write: async (batch) => {
        if (writes.length === 0) await first.opened;
        writes.push(batch.length);
      },
      maxQueuedSpans: 1000, maxBatchSpans: 100, retryAfterSeconds: 1,
    });
    const all = [buffer.submit(spans(1)), buffer.submit(spans(60)), buffer.submit(spans(60)), buffer.submit(spans(30))];
    first.open();
    await Promise.all(all);
    expect(writes).toEqual([1, 60, 90]);
  });

  it('refuses with TEMPORARILY_UNAVAILABLE and a retry time when full, and accepts again once drained', async () => {
    const first = gate();
    const buffer = createSpanWriteBuffer({ write: () => first.opened, maxQueuedSpans: 100, maxBatchSpans: 100, retryAfterSeconds: 2 });
    const accepted = buffer.submit(spans(80));
    const refused = await buffer.submit(spans(30)).catch((error: unknown) => error);
    expect(hasErrorCode(refused, 'TEMPORARILY_UNAVAILABLE')).toBe(true);
    expect((refused as { details?: unknown }).details).toEqual({ retry_after_seconds: 2 });
    expect(buffer.stats()).toMatchObject({ queuedSpans: 80, refusedSpans: 30 });
    first.open();
    await accepted;
    await expect(buffer.submit(spans(30))).resolves.toBeUndefined();
  });

  it('takes a request larger than the whole bound when nothing else waits, and refuses others meanwhile', async () => {
    const first = gate();
    const written: number[] = [];
    const buffer = createSpanWriteBuffer({ write: async (batch) => {
        await first.opened;
        written.push(batch.length);
      }, maxQueuedSpans: 100, maxBatchSpans: 1_000, retryAfterSeconds: 1 });
    const large = buffer.submit(spans(250));
    expect(hasErrorCode(await buffer.submit(spans(1)).catch((error: unknown) => error), 'TEMPORARILY_UNAVAILABLE')).toBe(true);
    first.open();
    await large;
    expect(written).toEqual([250]);
    expect(buffer.stats()).toMatchObject({ queuedSpans: 0, refusedSpans: 1 });
  });

  it('rejects every request of a failed transaction with the store error and keeps going', async () => {
    let fail = true;
    const buffer = createSpanWriteBuffer({
      write: async () => {
        if (fail) {
          fail = false;
          throw new Error('disk full');
        }
      },
      maxQueuedSpans: 100, maxBatchSpans: 100, retryAfterSeconds: 1,
    });
    await expect(buffer.submit(spans(5))).rejects.toThrow('disk full');
    await expect(buffer.submit(spans(5))).resolves.toBeUndefined();
    expect(buffer.stats()).toMatchObject({ queuedSpans: 0, writtenSpans: 5 });
  });
});
