import type pino from 'pino';
import { createDefaultCacheTools, sleepUnlessAborted, createGatewayService, createGatewaySpanSink, createMemoryLimitStore, createMemoryResponseCache, defaultTokenCounter, type GatewayConfigSource, type GatewayService, type TraceIngestService, type UsageSink, systemClock } from '@keel/core';
import type { LimitStore, ResponseCacheStore } from '@keel/spec';
import { createRedisLimitStore, createRedisResponseCache } from '@keel/store';
import { createProviderClientFactory } from './create-provider-client.ts';
import { createUndiciHttpClient } from './create-undici-http-client.ts';
import type { SpanWriter } from '../spans/span-writer.ts';

export interface GatewayStartOptions {
  configs: GatewayConfigSource;
  usage: UsageSink;
  traceIngest: Pick<TraceIngestService, 'ingest' | 'costFor'>;
  /**
   * The span writer thread, with its own connection to the database (ADR 0011): it masks, maps and
   * writes the gateway's spans. Without it `traceIngest` does, on the event loop that answers requests.
   * The server owns it (OTLP ingest writes through it too) and closes it after the gateway.
   */
  spanWriter?: SpanWriter | undefined;
  /** Scale-out: limits and the exact cache live in Redis, shared by every gateway process. */
  redisUrl?: string | undefined;
  /** Put in front of every Redis key (limit counters in one hash-tagged slot, cache entries). */
  redisPrefix?: string | undefined;
  logger: pino.Logger;
  version: string;
}

export interface RunningGateway {
  gateway: GatewayService;
  stats(): { spansPending: number; spansWritten: number; spansDropped: number; openCircuits: number };
  close(): Promise<void>;
}

/** Gateway spans waiting or being written; past it new ones are dropped (counted). */
const maxPendingSpans = 50_000;

/** Builds the gateway with the adapters of this deployment shape (in-process, or Redis when configured). */
export async function startGateway(options: GatewayStartOptions): Promise<RunningGateway> {
  const http = createUndiciHttpClient({ connectionsPerOrigin: 1024 });
  const limits: LimitStore = options.redisUrl === undefined ? createMemoryLimitStore({ clock: systemClock }) : await createRedisLimitStore({ url: options.redisUrl, keyPrefix: `{${options.redisPrefix ?? 'keel'}:limits}:` });
  const exactCache: ResponseCacheStore = options.redisUrl === undefined ? createMemoryResponseCache({ maxEntries: 10_000, clock: systemClock }) : await createRedisResponseCache({ url: options.redisUrl, keyPrefix: `${options.redisPrefix ?? 'keel'}:cache:` });
  const writer = options.spanWriter;
  const spans = createGatewaySpanSink({
    ingest: writer === undefined ? (projectId, batch) => options.traceIngest.ingest(projectId, batch) : (projectId, batch) => writer.ingest(projectId, batch),
    flushIntervalMs: 200,
    maxBatch: 500,
    maxPending: maxPendingSpans,
    onError: (error, dropped) => options.logger.warn({ err: error, dropped }, 'gateway trace spans dropped'),
  });
  const gateway = createGatewayService({
    configs: options.configs,
    limits,
    exactCache,
    cacheTools: createDefaultCacheTools(systemClock),
    tokens: defaultTokenCounter,
    createProvider: createProviderClientFactory({ http, nowMs: () => systemClock.now() }),
    costFor: (projectId) => options.traceIngest.costFor(projectId),
    spans,
    usage: options.usage,
    clock: systemClock,
    random: Math.random,
    sleep: sleepUnlessAborted,
    version: options.version,
    onWarning: (message, error) => options.logger.warn({ err: error }, message),
  });
  return {
    gateway,
    stats: () => {
      const sink = spans.stats();
      return { spansPending: sink.pending, spansWritten: sink.written, spansDropped: sink.dropped, openCircuits: gateway.openCircuits().length };
    },
    close: async () => {
      // Writes every span handed on (the sink waits for the span writer's answers).
      await gateway.close();
      await Promise.allSettled([limits.close(), exactCache.close(), http.close()]);
    },
  };
}
