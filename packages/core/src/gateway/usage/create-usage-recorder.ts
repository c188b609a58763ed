import { type GatewayStore, type GatewayUsageDelta, type GatewayUsageQuery, type GatewayUsageRow, KeelError } from '@keel/spec';
import type { Clock } from '../../ports.ts';

export type UsageRecord = Omit<GatewayUsageDelta, 'day'> & {
  /** When the request was made (ms since the epoch): it counts on that UTC day. */
  atMs: number;
};

export interface UsageRecorderDeps {
  store: Pick<GatewayStore, 'addGatewayUsage' | 'queryGatewayUsage'>;
  clock: Clock;
  /** How often the counts are written (one store call each time); 0: only when flush() is called. */
  flushIntervalMs: number;
  /** A failed timed flush (its counts are kept for the next one). */
  onError?: (error: unknown) => void;
}

export interface UsageRecorder {
  /** Adds one request's figures in memory; never waits for the database. */
  record(usage: UsageRecord): void;
  /** Writes what was recorded since the last flush as additive deltas; on failure they are kept for the next flush. */
  flush(): Promise<void>;
  /** Stops the timer; call flush() afterwards to write the rest. */
  stop(): void;
  /** Usage as stored, after writing this process's pending counts; the last 30 days up to today where the window is missing. */
  query(query: Omit<GatewayUsageQuery, 'fromDay' | 'toDay'> & { fromDay?: string | undefined; toDay?: string | undefined }): Promise<{ fromDay: string; toDay: string; rows: GatewayUsageRow[] }>;
}

const counters = ['requests', 'errors', 'cacheHits', 'inputTokens', 'outputTokens', 'estimatedRequests', 'costMicros'] as const;
const dayMs = 86_400_000;

export const utcDay = (atMs: number): string => new Date(atMs).toISOString().slice(0, 10);

function add(into: GatewayUsageDelta, from: GatewayUsageDelta): void {
  for (const counter of counters) into[counter] += from[counter];
}

/**
 * Usage per project, UTC day, virtual key and model, summed in memory and written in one additive
 * store call per interval, so the response path never waits for the database and several
 * processes can write the same rows.
 */
export function createUsageRecorder({ store, clock, flushIntervalMs, onError }: UsageRecorderDeps): UsageRecorder {
  let pending = new Map<string, GatewayUsageDelta>();
  let flushing: Promise<void> = Promise.resolve();

  const merge = (delta: GatewayUsageDelta): void => {
    const id = JSON.stringify([delta.projectId, delta.day, delta.keyName, delta.model]);
    const row = pending.get(id);
    if (row === undefined) pending.set(id, { ...delta });
    else add(row, delta);
  };

  const writeOnce = async (): Promise<void> => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    try {
      await store.addGatewayUsage([...batch.values()]);
    } catch (error) {
      // Kept (added to what arrived meanwhile) for the next flush.
      for (const delta of batch.values()) merge(delta);
      throw error;
    }
  };

  // One write at a time, so a slow write is never overtaken and no count is written twice.
  const flush = (): Promise<void> => {
    const next = flushing.then(writeOnce);
    flushing = next.catch(() => undefined);
    return next;
  };

  const timer = flushIntervalMs > 0 ? setInterval(() => flush().catch((error: unknown) => onError?.(error)), flushIntervalMs) : undefined;
  timer?.unref();

  return {
    record(usage) {
      const { atMs, ...rest } = usage;
      merge({ ...rest, day: utcDay(atMs) });
    },
    flush,
    stop() {
      if (timer !== undefined) clearInterval(timer);
    },
    async query(query) {
      const toDay = query.toDay ?? utcDay(clock.now());
      const fromDay = query.fromDay ?? utcDay(Date.parse(`${toDay}T00:00:00Z`) - 29 * dayMs);
      if (fromDay > toDay) throw new KeelError('INVALID_PARAMETER_VALUE', `from (${fromDay}) must not be after to (${toDay})`);
      await flush().catch((error: unknown) => onError?.(error));
      const rows = await store.queryGatewayUsage({ ...query, fromDay, toDay });
      return { fromDay, toDay, rows };
    },
  };
}
