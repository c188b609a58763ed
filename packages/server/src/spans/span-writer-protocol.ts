import type { OtlpSpan } from '@keel/spec';
import { z } from 'zod';
import { type PackedSpanWire, packedSpanWireLength } from './packed-span-wire.ts';

/** What the span writer thread is started with. */
export const spanWriterDataSchema = z.object({
  databaseUrl: z.string().min(1),
  /** Most gateway spans in one store transaction (a main-thread write waiting on SQLite's lock waits for at most one); an `insert` message is one transaction, sized by the main thread's trace ingest. */
  maxBatchSpans: z.number().int().positive(),
  /** Gateway spans the thread accepts before refusing (the gateway's sink bounds them first); OTLP rows are bounded by the main thread's trace ingest. */
  maxQueuedSpans: z.number().int().positive(),
  settingsTtlMs: z.number().int().positive(),
});
export type SpanWriterData = z.infer<typeof spanWriterDataSchema>;

/** Gateway spans come from the gateway of the same process (structured clone), already built as OtlpSpan: the thread masks, maps and prices them. */
const spansSchema = z.array(z.custom<OtlpSpan>((value) => typeof value === 'object' && value !== null));
/** Span rows already masked, mapped and priced by the main thread's trace ingest (OTLP requests), their raw records packed there, as arrays (`packed-span-wire.ts`, ADR 0018). */
const rowsSchema = z.array(z.custom<PackedSpanWire>((value) => Array.isArray(value) && value.length === packedSpanWireLength && typeof value[0] === 'number' && typeof value[1] === 'string'));

export const toSpanWriterSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ingest'), id: z.number().int(), projectId: z.number().int(), spans: spansSchema }),
  /** Rows to insert as they are, in one store transaction. */
  z.object({ type: z.literal('insert'), id: z.number().int(), rows: rowsSchema }),
  z.object({ type: z.literal('invalidate'), projectId: z.number().int() }),
  /** Write everything received, close the store, answer `closed`. */
  z.object({ type: z.literal('close') }),
]);
export type ToSpanWriter = z.infer<typeof toSpanWriterSchema>;

export const fromSpanWriterSchema = z.discriminatedUnion('type', [
  /** The batch `id` is durable. */
  z.object({ type: z.literal('written'), id: z.number().int() }),
  z.object({ type: z.literal('failed'), id: z.number().int(), message: z.string() }),
  z.object({ type: z.literal('closed') }),
]);
export type FromSpanWriter = z.infer<typeof fromSpanWriterSchema>;
