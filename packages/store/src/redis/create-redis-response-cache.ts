import { KeelError, type ResponseCacheStore } from '@keel/spec';

export interface RedisResponseCacheOptions {
  /** `redis://[[user]:password@]host[:port][/db]` or `rediss://` for TLS. */
  url: string;
  /** Put before every key, so that several deployments or tests can share one Redis. Default `keel:cache:`. */
  keyPrefix?: string | undefined;
  /** A command with no answer in this time rejects. Default 500 ms: a slow cache is a miss. */
  commandTimeoutMs?: number | undefined;
  /** Time allowed to connect, at start and on every reconnection. Default 2,000 ms. */
  connectTimeoutMs?: number | undefined;
  /** Told about connection errors, which otherwise only show as rejected commands. */
  onError?: ((error: Error) => void) | undefined;
}

/**
 * The scale-out exact-match response cache on Redis: `SET key value EX ttl`, `GET key`.
 *
 * Every failure rejects quickly, so the gateway can count a cache failure as a miss: commands
 * are not queued while the connection is down (`enableOfflineQueue: false`), a command in flight
 * when the connection drops is not retried across reconnections, and a command with no answer
 * rejects after `commandTimeoutMs`. The client keeps reconnecting in the background.
 * Rejections are KeelErrors with code TEMPORARILY_UNAVAILABLE. The factory rejects when Redis
 * cannot be reached at start, so that a wrong URL shows at boot rather than as a silent miss rate.
 */
export async function createRedisResponseCache(options: RedisResponseCacheOptions): Promise<ResponseCacheStore> {
  const { Redis } = await import('ioredis');
  const keyPrefix = options.keyPrefix ?? 'keel:cache:';
  const client = new Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    // Reconnect soon after a drop, never slower than once a second.
    retryStrategy: (times) => Math.min(times * 50, 1_000),
  });
  client.on('error', (error: Error) => options.onError?.(error));
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw unavailable('cannot connect to Redis for the response cache', error);
  }

  let closed = false;
  return {
    async get(key) {
      try {
        const value = await client.get(keyPrefix + key);
        return value ?? undefined;
      } catch (error) {
        throw unavailable('the response cache (Redis) failed to read', error);
      }
    },
    async set(key, value, ttlSeconds) {
      try {
        if (!(ttlSeconds > 0)) {
          await client.del(keyPrefix + key);
        } else if (Number.isInteger(ttlSeconds)) {
          await client.set(keyPrefix + key, value, 'EX', ttlSeconds);
        } else {
          await client.set(keyPrefix + key, value, 'PX', Math.max(1, Math.round(ttlSeconds * 1000)));
        }
      } catch (error) {
        throw unavailable('the response cache (Redis) failed to write', error);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.quit();
      } catch {
        // Not connected: there is nothing to wait for.
        client.disconnect();
      }
    },
  };
}

function unavailable(message: string, cause: unknown): KeelError {
  // The cause's message never holds the URL (so no password); it says what went wrong.
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new KeelError('TEMPORARILY_UNAVAILABLE', `${message}: ${reason}`, { cause });
}
