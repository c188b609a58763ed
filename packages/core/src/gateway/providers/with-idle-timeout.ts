import { UpstreamError } from './upstream-error.ts';

/**
 * Passes an upstream body through, failing with a timeout UpstreamError when no bytes arrive for
 * `idleMs` (an upstream that trickles or hangs part way never holds a client's socket for ever).
 */
export async function* withIdleTimeout(body: AsyncIterable<Uint8Array>, idleMs: number, provider: string, abort: () => void): AsyncGenerator<Uint8Array> {
  const iterator = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), idleMs);
      });
      const next = await Promise.race([iterator.next(), timeout]).finally(() => clearTimeout(timer));
      if (next === 'timeout') {
        abort();
        throw new UpstreamError({ failure: 'timeout', message: `${provider} sent nothing for ${idleMs} ms` });
      }
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    // Stops the upstream request when the consumer stops early (client gone, error).
    await iterator.return?.(undefined)?.catch(() => undefined);
  }
}

/** The whole body as text, under the same idle rule. */
export async function readBodyText(body: AsyncIterable<Uint8Array>, idleMs: number, provider: string, abort: () => void, maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of withIdleTimeout(body, idleMs, provider, abort)) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      abort();
      throw new UpstreamError({ failure: 'bad_response', message: `${provider} sent a body over ${maxBytes} bytes` });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
