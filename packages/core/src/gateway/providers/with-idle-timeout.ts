import { UpstreamError } from './upstream-error.ts';

function idleTimeout(provider: string, idleMs: number, cause?: unknown): UpstreamError {
  return new UpstreamError({ failure: 'timeout', message: `${provider} sent nothing for ${idleMs} ms`, cause });
}

/**
 * Passes an upstream body through, failing with a timeout UpstreamError when no bytes arrive for
 * `idleMs` (an upstream that trickles or hangs part way never holds a client's socket for ever).
 * One timer per body, restarted whenever the next chunk is awaited; when it fires during such a
 * wait it aborts the upstream request, which ends the body's iterator. Time the consumer spends
 * between chunks (a slow client) does not count.
 */
export async function* withIdleTimeout(body: AsyncIterable<Uint8Array>, idleMs: number, provider: string, abort: () => void): AsyncGenerator<Uint8Array> {
  let timedOut = false;
  let waiting = false;
  const timer: NodeJS.Timeout = setTimeout(function onIdle() {
    if (!waiting) {
      timer.refresh();
      return;
    }
    timedOut = true;
    abort();
  }, idleMs);
  const iterator = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      waiting = true;
      timer.refresh();
      try {
        next = await iterator.next();
      } catch (error) {
        throw timedOut ? idleTimeout(provider, idleMs, error) : error;
      } finally {
        waiting = false;
      }
      if (timedOut) throw idleTimeout(provider, idleMs);
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    clearTimeout(timer);
    // Stops the upstream request when the consumer stops early (client gone, error).
    await iterator.return?.(undefined)?.catch(() => undefined);
  }
}

/**
 * The whole body as text, under the same idle rule. It reads the body itself rather than through
 * `withIdleTimeout`: nothing runs between its chunks, so the rule is the same, and one async
 * generator less on every non-streamed answer is measurable in the gateway's added latency.
 */
export async function readBodyText(body: AsyncIterable<Uint8Array>, idleMs: number, provider: string, abort: () => void, maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort();
  }, idleMs);
  try {
    for await (const chunk of body) {
      timer.refresh();
      size += chunk.byteLength;
      if (size > maxBytes) {
        abort();
        throw new UpstreamError({ failure: 'bad_response', message: `${provider} sent a body over ${maxBytes} bytes` });
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw timedOut ? idleTimeout(provider, idleMs, error) : error;
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) throw idleTimeout(provider, idleMs);
  return chunks.length === 1 ? Buffer.from(chunks[0] as Uint8Array).toString('utf8') : Buffer.concat(chunks).toString('utf8');
}
