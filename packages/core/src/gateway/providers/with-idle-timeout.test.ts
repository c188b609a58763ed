import { describe, expect, it } from 'vitest';
import { UpstreamError } from './upstream-error.ts';
import { readBodyText, withIdleTimeout } from './with-idle-timeout.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A body that sends `chunks`, then stalls until aborted (as undici's body ends when its request is aborted). */
function stallingBody(chunks: string[]): { body: AsyncIterable<Uint8Array>; abort: () => void; aborted: () => boolean } {
  let abortIt: (error: Error) => void = () => undefined;
  let aborted = false;
  const stalled = new Promise<never>((_resolve, reject) => {
    abortIt = reject;
  });
  stalled.catch(() => undefined);
  return {
    body: (async function* body() {
      for (const chunk of chunks) yield bytes(chunk);
      await stalled;
    })(),
    abort: () => {
      aborted = true;
      abortIt(new Error('aborted'));
    },
    aborted: () => aborted,
  };
}

describe('readBodyText', () => {
  it('joins the chunks of a body as UTF-8, a character split across chunks included', async () => {
    const euro = bytes('€');
    async function* body() {
      yield bytes('{"a":"x');
      yield euro.slice(0, 1);
      yield euro.slice(1);
      yield bytes('"}');
    }
    expect(await readBodyText(body(), 1_000, 'up', () => undefined, 1_000)).toBe('{"a":"x€"}');
  });

  it('fails with a timeout and aborts the request when the body stalls part way', async () => {
    const stalling = stallingBody(['{"partial":']);
    const error = await readBodyText(stalling.body, 50, 'up', stalling.abort, 1_000).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).failure).toBe('timeout');
    expect((error as Error).message).toBe('up sent nothing for 50 ms');
    expect(stalling.aborted()).toBe(true);
  });

  it('stops reading and aborts past the byte limit', async () => {
    let aborted = false;
    async function* body() {
      for (let index = 0; index < 10; index += 1) yield bytes('0123456789');
    }
    const error = await readBodyText(body(), 1_000, 'up', () => (aborted = true), 35).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).failure).toBe('bad_response');
    expect((error as Error).message).toBe('up sent a body over 35 bytes');
    expect(aborted).toBe(true);
  });
});

describe('withIdleTimeout', () => {
  it('passes chunks through and times out a body that stalls while awaited', async () => {
    const stalling = stallingBody(['a', 'b']);
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of withIdleTimeout(stalling.body, 50, 'up', stalling.abort)) seen.push(new TextDecoder().decode(chunk));
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual(['a', 'b']);
    expect((error as UpstreamError).failure).toBe('timeout');
    expect(stalling.aborted()).toBe(true);
  });
});
