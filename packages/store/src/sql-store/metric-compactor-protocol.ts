import { z } from 'zod';

/** What the metric compactor thread is started with. */
export const metricCompactorDataSchema = z.object({
  filename: z.string(),
  /** The writer priority flag shared with the event loop's connection (writer-priority.ts). */
  priority: z.instanceof(SharedArrayBuffer),
  options: z.object({
    chunkPoints: z.number().int().positive().optional(),
    keyGroupPoints: z.number().int().positive().optional(),
    delayMs: z.number().nonnegative().optional(),
    quietMs: z.number().nonnegative().optional(),
    eagerPoints: z.number().int().positive().optional(),
    passPoints: z.number().int().positive().optional(),
    maxPendingPoints: z.number().int().positive().optional(),
  }),
});
export type MetricCompactorData = z.infer<typeof metricCompactorDataSchema>;

export const toMetricCompactorSchema = z.discriminatedUnion('type', [
  /** Transactions that appended `points` points to the log in all committed (one message per turn of the event loop). */
  z.object({ type: z.literal('appended'), points: z.number().int().nonnegative() }),
  /** Compact every row logged so far, then answer `flushed` (or `failed`) with this id. */
  z.object({ type: z.literal('flush'), id: z.number().int() }),
  /** Drain the log, close the connection, answer `closed`. */
  z.object({ type: z.literal('close') }),
]);
export type ToMetricCompactor = z.infer<typeof toMetricCompactorSchema>;

export const fromMetricCompactorSchema = z.discriminatedUnion('type', [
  /** A compaction transaction wrote `points` logged points. */
  z.object({ type: z.literal('compacted'), points: z.number().int().nonnegative() }),
  z.object({ type: z.literal('flushed'), id: z.number().int() }),
  z.object({ type: z.literal('failed'), id: z.number().int(), message: z.string() }),
  z.object({ type: z.literal('closed') }),
]);
export type FromMetricCompactor = z.infer<typeof fromMetricCompactorSchema>;
