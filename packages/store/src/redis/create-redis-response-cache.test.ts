import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { hasErrorCode } from '@keel/spec';
import { describeResponseCacheContract, pollUntil, closedPort } from '@keel/testing';
import { createRedisResponseCache } from './create-redis-response-cache.ts';

const redisUrl = process.env.KEEL_TEST_REDIS_URL;
const runPrefix = `keel-test:response-cache:${randomUUID()}:`;


describe('createRedisResponseCache without a reachable Redis', () => {
  it('rejects at once with TEMPORARILY_UNAVAILABLE and keeps the password out of the message', async () => {
    const port = await closedPort();
    const failure = await createRedisResponseCache({ url: `redis://:sekret-password@127.0.0.1:${port}` }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(hasErrorCode(failure, 'TEMPORARILY_UNAVAILABLE')).toBe(true);
    expect(String((failure as Error).message)).not.toContain('sekret-password');
  });
});

if (redisUrl === undefined || redisUrl === '') {
  describe.skip('ResponseCacheStore contract: redis (skipped: KEEL_TEST_REDIS_URL not set)', () => {
    it('needs a Redis server', () => undefined);
  });
} else {
  const url = redisUrl;
  const raw = new Redis(url, { lazyConnect: true });
  afterAll(async () => {
    // Every test's entries live under this run's prefix; remove them rather than wait for their TTL.
    await raw.connect().catch(() => undefined);
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'MATCH', `${runPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await raw.del(...keys);
    } while (cursor !== '0');
    await raw.quit();
  });

  let opened = 0;
  describeResponseCacheContract('redis', async () => {
    opened += 1;
    return { store: await createRedisResponseCache({ url, keyPrefix: `${runPrefix}${opened}:` }) };
  });

  describe('createRedisResponseCache on Redis', () => {
    it('stores under its key prefix with the time to live as an expiry on the Redis key', async () => {
      const prefix = `${runPrefix}prefix:`;
      const cache = await createRedisResponseCache({ url, keyPrefix: prefix });
      try {
        await cache.set('one-second', 'a', 1);
        await cache.set('one-minute', 'b', 60);
        await cache.set('fraction', 'c', 2.5);
        if (raw.status !== 'ready') await raw.connect();
        expect(await raw.get(`${prefix}one-minute`)).toBe('b');
        const oneSecond = await raw.pttl(`${prefix}one-second`);
        expect(oneSecond).toBeGreaterThan(0);
        expect(oneSecond).toBeLessThanOrEqual(1_000);
        const oneMinute = await raw.pttl(`${prefix}one-minute`);
        expect(oneMinute).toBeGreaterThan(1_000);
        expect(oneMinute).toBeLessThanOrEqual(60_000);
        const fraction = await raw.pttl(`${prefix}fraction`);
        expect(fraction).toBeGreaterThan(1_000);
        expect(fraction).toBeLessThanOrEqual(2_500);
        expect(await raw.exists('one-minute')).toBe(0);
      } finally {
        await cache.close();
      }
    });

    it('rejects a command that Redis does not answer within commandTimeoutMs', async () => {
      const proxy = await startTcpProxy(new URL(url));
      const cache = await createRedisResponseCache({ url: `redis://127.0.0.1:${proxy.port}`, keyPrefix: `${runPrefix}black-hole:`, commandTimeoutMs: 200 });
      try {
        await cache.set('k', 'v', 60);
        expect(await cache.get('k')).toBe('v');
        proxy.blackHole();
        await expect(cache.get('k')).rejects.toSatisfy((error: unknown) => hasErrorCode(error, 'TEMPORARILY_UNAVAILABLE'));
      } finally {
        await cache.close();
        await proxy.close();
      }
    });

    it('rejects commands rather than queueing them once the connection is lost', async () => {
      const proxy = await startTcpProxy(new URL(url));
      const errors: Error[] = [];
      // A command timeout far beyond the test's own: only the missing offline queue can make these reject in time.
      const cache = await createRedisResponseCache({ url: `redis://127.0.0.1:${proxy.port}`, keyPrefix: `${runPrefix}lost:`, commandTimeoutMs: 600_000, onError: (error) => errors.push(error) });
      try {
        await cache.set('k', 'v', 60);
        expect(await cache.get('k')).toBe('v');
        await proxy.close();
        await expect(cache.get('k')).rejects.toSatisfy((error: unknown) => hasErrorCode(error, 'TEMPORARILY_UNAVAILABLE'));
        await expect(cache.set('k', 'v2', 60)).rejects.toSatisfy((error: unknown) => hasErrorCode(error, 'TEMPORARILY_UNAVAILABLE'));
        await pollUntil('a reconnection error to be reported', () => Promise.resolve(errors.length > 0 ? true : undefined));
      } finally {
        await cache.close();
      }
    });
  });
}

interface TcpProxy {
  port: number;
  /** Swallow everything from now on, in both directions. */
  blackHole(): void;
  /** Stop listening and cut every connection. */
  close(): Promise<void>;
}

async function startTcpProxy(target: URL): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let swallowing = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (data) => {
      if (!swallowing) upstream.write(data);
    });
    upstream.on('data', (data) => {
      if (!swallowing) client.write(data);
    });
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      from.on('error', () => to.destroy());
      from.on('close', () => {
        to.destroy();
        sockets.delete(from);
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no proxy port');
  let closing: Promise<void> | undefined;
  return {
    port: address.port,
    blackHole: () => {
      swallowing = true;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
