import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { hasErrorCode, type LimitWindow } from '@keel/spec';
import { describeLimitStoreContract, pollUntil, closedPort } from '@keel/testing';
import { createRedisLimitStore } from './create-redis-limit-store.ts';
import { windowBoundsScript } from './limit-lua-scripts.ts';

const redisUrl = process.env.KEEL_TEST_REDIS_URL;
const skipReason = 'skipped: KEEL_TEST_REDIS_URL not set';

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => undefined, (error: unknown) => error);
}


describe('createRedisLimitStore without a reachable Redis', () => {
  it('rejects with TEMPORARILY_UNAVAILABLE and keeps the password out of the message', async () => {
    const port = await closedPort();
    const failure = await failureOf(createRedisLimitStore({ url: `redis://:sekret-password@127.0.0.1:${port}` }));
    expect(hasErrorCode(failure, 'TEMPORARILY_UNAVAILABLE')).toBe(true);
    expect(String((failure as Error).message)).not.toContain('sekret-password');
  });

  it('refuses a key prefix without a Redis Cluster hash tag', async () => {
    for (const keyPrefix of ['keel:limits:', '{}:', 'keel:{unclosed:']) {
      expect(hasErrorCode(await failureOf(createRedisLimitStore({ url: 'redis://127.0.0.1:1', keyPrefix })), 'INVALID_PARAMETER_VALUE'), keyPrefix).toBe(true);
    }
  });
});

if (redisUrl === undefined || redisUrl === '') {
  describe.skip(`LimitStore contract: redis (${skipReason})`, () => {
    it('needs a Redis server', () => undefined);
  });
} else {
  const url = redisUrl;
  const raw = new Redis(url, { lazyConnect: true });
  const runTag = `keel-test:limits:${randomUUID()}`;
  beforeAll(async () => {
    await raw.connect();
  });
  afterAll(async () => {
    const keys = await raw.keys(`{${runTag}:*`);
    if (keys.length > 0) await raw.del(...keys);
    await raw.quit();
  });

  describeLimitStoreContract('redis', async (namespace) => ({ store: await createRedisLimitStore({ url, keyPrefix: `{${runTag}:${namespace}}:` }) }));

  describe('Redis limit store internals', () => {
    it('computes window bounds in Lua exactly as the UTC calendar does, month edges of 1900-2200 included', async () => {
      const instants: number[] = [];
      for (let year = 1900; year <= 2200; year += 1) {
        for (let month = 0; month < 12; month += 1) {
          const start = Date.UTC(year, month, 1);
          instants.push(start, start - 1, start + 1, start + 14 * 86_400_000 + 37_123);
        }
      }
      const windows: LimitWindow[] = ['minute', 'day', 'month'];
      const sha = String(await raw.script('LOAD', windowBoundsScript));
      const pipeline = raw.pipeline();
      for (const instant of instants) for (const window of windows) pipeline.evalsha(sha, 0, window, String(instant));
      const answers = await pipeline.exec();
      if (answers === null) throw new Error('pipeline answered nothing');
      const mismatches: string[] = [];
      let index = 0;
      for (const instant of instants) {
        for (const window of windows) {
          const [error, answer] = answers[index] ?? [new Error('missing answer'), undefined];
          index += 1;
          if (error !== null) throw error;
          const expected = expectedBounds(window, instant);
          const actual = (answer as string[]).map(Number);
          if (actual[0] !== expected[0] || actual[1] !== expected[1]) mismatches.push(`${window} ${new Date(instant).toISOString()}: ${actual.join('..')} != ${expected.join('..')}`);
        }
      }
      expect(mismatches.slice(0, 10)).toEqual([]);
      expect(index).toBe(301 * 12 * 4 * 3);
    });

    it('keeps one hash per counter under the hash-tagged prefix, expiring just after its window', async () => {
      const keyPrefix = `{${runTag}:layout}:`;
      const store = await createRedisLimitStore({ url, keyPrefix });
      onTestFinished(() => store.close());
      const result = await store.reserve([{ key: 'p1:k:app:tpm', window: 'minute', limit: 100, amount: 7 }, { key: 'p1:usd', window: 'month', limit: 100, amount: 3 }]);
      if (!result.ok) throw new Error('not granted');
      const [minute, month] = result.reserved;
      expect(await raw.hgetall(`${keyPrefix}minute:p1:k:app:tpm`)).toEqual({ s: String(minute?.windowStartMs), t: '7' });
      expect(await raw.hgetall(`${keyPrefix}month:p1:usd`)).toEqual({ s: String(month?.windowStartMs), t: '3' });
      expect(await raw.pexpiretime(`${keyPrefix}minute:p1:k:app:tpm`)).toBe((minute?.windowStartMs ?? 0) + 60_000 + 1_000);
      const monthEnd = new Date(month?.windowStartMs ?? 0);
      expect(await raw.pexpiretime(`${keyPrefix}month:p1:usd`)).toBe(Date.UTC(monthEnd.getUTCFullYear(), monthEnd.getUTCMonth() + 1, 1) + 1_000);
    });

    it('counts a hash left over from an earlier window as 0 and starts the window afresh', async () => {
      const keyPrefix = `{${runTag}:stale}:`;
      const store = await createRedisLimitStore({ url, keyPrefix });
      onTestFinished(() => store.close());
      // As if the key's expiry had not yet run when its window ended.
      await raw.hset(`${keyPrefix}day:old`, 's', String(Date.UTC(2001, 0, 1)), 't', '999');
      expect(await store.read([{ key: 'old', window: 'day' }])).toEqual([0]);
      const result = await store.reserve([{ key: 'old', window: 'day', limit: 10, amount: 10 }]);
      expect(result.ok).toBe(true);
      expect(await store.read([{ key: 'old', window: 'day' }])).toEqual([10]);
      await store.settle([{ key: 'old', window: 'day', windowStartMs: Date.UTC(2001, 0, 1), delta: -10 }]);
      expect(await store.read([{ key: 'old', window: 'day' }])).toEqual([10]);
    });

    it('rejects calls with TEMPORARILY_UNAVAILABLE once Redis is gone or stops answering, and works again after', async () => {
      const proxy = await startProxy(new URL(url));
      onTestFinished(() => proxy.close());
      const store = await createRedisLimitStore({ url: `redis://127.0.0.1:${proxy.port}`, keyPrefix: `{${runTag}:faults}:`, commandTimeoutMs: 200 });
      onTestFinished(() => store.close());
      // A month window: a minute one could end while the client reconnects (CI once read 0 there).
      const counter = { key: 'usd', window: 'month', limit: 100, amount: 1 } as const;
      expect((await store.reserve([counter])).ok).toBe(true);

      proxy.hang();
      const hung = await failureOf(store.reserve([counter]));
      expect(hasErrorCode(hung, 'TEMPORARILY_UNAVAILABLE'), String(hung)).toBe(true);

      proxy.dropConnections();
      const down = await failureOf(store.reserve([counter]));
      expect(hasErrorCode(down, 'TEMPORARILY_UNAVAILABLE'), String(down)).toBe(true);
      expect(hasErrorCode(await failureOf(store.read([counter])), 'TEMPORARILY_UNAVAILABLE')).toBe(true);
      expect(hasErrorCode(await failureOf(store.settle([{ ...counter, windowStartMs: 0, delta: 1 }])), 'TEMPORARILY_UNAVAILABLE')).toBe(true);

      proxy.resume();
      // The client reconnects in the background, with backoff.
      const totals = await pollUntil('the store to reach Redis again', () => store.read([counter]));
      expect(totals).toEqual([1]);
    });
  });
}

function expectedBounds(window: LimitWindow, instant: number): [number, number] {
  if (window === 'minute') {
    const start = Math.floor(instant / 60_000) * 60_000;
    return [start, start + 60_000];
  }
  if (window === 'day') {
    const start = Math.floor(instant / 86_400_000) * 86_400_000;
    return [start, start + 86_400_000];
  }
  const date = new Date(instant);
  return [Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1), Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)];
}

interface Proxy {
  port: number;
  /** Keeps connections open but forwards nothing, like a Redis that stopped answering. */
  hang(): void;
  /** Closes every connection and refuses new ones until `resume`. */
  dropConnections(): void;
  resume(): void;
  close(): Promise<void>;
}

/** A TCP proxy in front of Redis that a test can make hang or drop, to show how the store fails. */
async function startProxy(target: URL): Promise<Proxy> {
  let hung = false;
  let refusing = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk) => { if (!hung) upstream.write(chunk); });
    upstream.on('data', (chunk) => { if (!hung) client.write(chunk); });
    for (const socket of [client, upstream]) {
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    hang: () => { hung = true; },
    dropConnections: () => {
      refusing = true;
      for (const socket of sockets) socket.destroy();
    },
    resume: () => {
      hung = false;
      refusing = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
