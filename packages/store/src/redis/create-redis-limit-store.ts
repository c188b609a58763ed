import { createHash } from 'node:crypto';
import { KeelError, invalid } from '@keel/spec';
import type { LimitCounter, LimitStore, LimitWindow, ReserveResult, ReservedCounter } from '@keel/spec';
import type { Redis } from 'ioredis';
import { readScript, reserveScript, settleScript } from './limit-lua-scripts.ts';

export interface RedisLimitStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  url: string;
  /**
   * Put before every counter key. It must hold a Redis Cluster hash tag (`{...}`): a reservation
   * touches several counters in one script, and Cluster runs a script only on keys of one slot.
   * Default `{keel:limits}:`, so every limit counter lives in one slot.
   */
  keyPrefix?: string;
  /** How long connecting may take before the factory (or a reconnect) gives up. Default 1000 ms. */
  connectTimeoutMs?: number;
  /** How long one script may take before its promise rejects. Default 1000 ms. */
  commandTimeoutMs?: number;
  /** Told about connection errors, which otherwise surface only as rejected calls. */
  onError?: (error: Error) => void;
}

const windows: ReadonlySet<string> = new Set<LimitWindow>(['minute', 'day', 'month']);
// Keys outlive their window by a little, so that a key never expires inside its own window
// because of rounding; the window start stored in each key decides what counts, not the expiry.
const expiryMarginMs = 1_000;

/**
 * The scale-out limit store: counters in Redis, changed only by Lua scripts that read the Redis
 * clock, so several gateway processes share exact limits. Calls reject quickly with
 * TEMPORARILY_UNAVAILABLE when Redis is down or slow (no offline queue, no retries per request),
 * so that the caller can apply its fail-open or fail-closed policy; the client keeps reconnecting
 * in the background.
 */
export async function createRedisLimitStore(options: RedisLimitStoreOptions): Promise<LimitStore> {
  const keyPrefix = options.keyPrefix ?? '{keel:limits}:';
  if (!/^[^{]*\{[^}]+\}/.test(keyPrefix)) {
    throw invalid('Redis limit store keyPrefix must hold a hash tag such as {keel:limits}', { keyPrefix });
  }
  const { Redis: RedisClient } = await import('ioredis');
  const client: Redis = new RedisClient(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: options.connectTimeoutMs ?? 1_000,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 2_000),
  });
  // Without a listener ioredis prints every connection error; failures reach callers as rejections.
  client.on('error', (error: Error) => options.onError?.(error));
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw unavailable(error);
  }

  const reserveRun = scriptRunner(client, reserveScript);
  const settleRun = scriptRunner(client, settleScript);
  const readRun = scriptRunner(client, readScript);
  const counterKey = (window: LimitWindow, key: string): string => `${keyPrefix}${window}:${key}`;

  return {
    async reserve(counters: readonly LimitCounter[]): Promise<ReserveResult> {
      for (const counter of counters) checkCounter(counter);
      if (counters.length === 0) return { ok: true, reserved: [] };
      const keys = counters.map((counter) => counterKey(counter.window, counter.key));
      const args = [String(expiryMarginMs), ...counters.flatMap((counter) => [counter.window, String(counter.limit), String(counter.amount)])];
      const answer = await reserveRun(keys, args);
      if (!Array.isArray(answer) || answer.length === 0) throw unexpectedAnswer(answer);
      if (toInteger(answer[0]) === 1) {
        const reserved = counters.map((counter, index): ReservedCounter => ({
          key: counter.key,
          window: counter.window,
          windowStartMs: toInteger(answer[index + 1]),
          amount: counter.amount,
        }));
        return { ok: true, reserved };
      }
      const refusing = counters[toInteger(answer[1]) - 1];
      if (refusing === undefined) throw unexpectedAnswer(answer);
      return { ok: false, key: refusing.key, window: refusing.window, limit: refusing.limit, used: toInteger(answer[2]), retryAfterMs: toInteger(answer[3]) };
    },

    async settle(adjustments): Promise<void> {
      for (const adjustment of adjustments) {
        checkWindow(adjustment.window);
        if (!Number.isSafeInteger(adjustment.delta) || !Number.isSafeInteger(adjustment.windowStartMs)) {
          throw invalid('limit settle delta and windowStartMs must be integers', { key: adjustment.key });
        }
      }
      if (adjustments.length === 0) return;
      const keys = adjustments.map((adjustment) => counterKey(adjustment.window, adjustment.key));
      const args = adjustments.flatMap((adjustment) => [adjustment.window, String(adjustment.windowStartMs), String(adjustment.delta)]);
      await settleRun(keys, args);
    },

    async read(counters): Promise<number[]> {
      for (const counter of counters) checkWindow(counter.window);
      if (counters.length === 0) return [];
      const answer = await readRun(counters.map((counter) => counterKey(counter.window, counter.key)), counters.map((counter) => counter.window));
      if (!Array.isArray(answer) || answer.length !== counters.length) throw unexpectedAnswer(answer);
      return answer.map(toInteger);
    },

    async close(): Promise<void> {
      try {
        await client.quit();
      } catch {
        // Already closed or unreachable: dropping the socket is all that is left to do.
        client.disconnect();
      }
    },
  };
}

type ScriptRun = (keys: readonly string[], args: readonly string[]) => Promise<unknown>;

/** Runs a script by its SHA and sends its source only when Redis answers NOSCRIPT. */
function scriptRunner(client: Redis, source: string): ScriptRun {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (keys, args) => {
    try {
      try {
        return await client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await client.eval(source, keys.length, ...keys, ...args);
      }
    } catch (error) {
      throw isScriptFault(error) ? scriptFault(error) : unavailable(error);
    }
  };
}

// A script that fails while running is a bug here, not an outage; callers must not fail open on it.
function isScriptFault(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ReplyError' && /^ERR\b.*script/i.test(error.message);
}

function scriptFault(error: Error): KeelError {
  return new KeelError('INTERNAL_ERROR', `limit store (Redis) script failed: ${error.message}`, { cause: error, retryable: false });
}

function unavailable(error: unknown): KeelError {
  const reason = error instanceof Error ? error.message : String(error);
  return new KeelError('TEMPORARILY_UNAVAILABLE', `limit store (Redis) unavailable: ${reason}`, { cause: error, retryable: true });
}

function unexpectedAnswer(answer: unknown): KeelError {
  return new KeelError('INTERNAL_ERROR', 'limit store (Redis) gave an unexpected answer', { details: { answer: JSON.stringify(answer) } });
}

function toInteger(value: unknown): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number)) throw unexpectedAnswer(value);
  return number;
}

function checkWindow(window: string): void {
  if (!windows.has(window)) throw invalid('limit window must be minute, day or month', { window });
}

function checkCounter(counter: LimitCounter): void {
  checkWindow(counter.window);
  if (!Number.isSafeInteger(counter.amount) || counter.amount < 0) {
    throw invalid('limit counter amount must be an integer of at least 0', { key: counter.key, amount: counter.amount });
  }
  if (!Number.isSafeInteger(counter.limit) || counter.limit < 0) {
    throw invalid('limit counter limit must be an integer of at least 0', { key: counter.key, limit: counter.limit });
  }
}
