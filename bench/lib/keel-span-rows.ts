import path from 'node:path';
import Database from 'better-sqlite3';
import { createTraceIngestService, decodeOtlpProtobuf } from '@keel/core';
import type { ProjectSpan, SpanRecord } from '@keel/spec';
import { createSqliteDriver, createSqlStore } from '@keel/store';
import type { OtlpBatch } from './otlp-trace-batches.ts';

export type SpanCell = string | number | bigint | null | Buffer;

/** The spans of a set of OTLP requests as Keel stores them: the records, and each row as `spans` holds it. */
export interface KeelSpanRows {
  /** One entry per request, in order: what the ingest service hands the store. */
  records: ProjectSpan[][];
  /** Column names of `spans`, in table order. */
  columns: string[];
  /** One entry per request: the stored rows of its spans. */
  rows: SpanCell[][][];
}

const noSettings = { retentionDays: null, pii: { detectors: [], custom: [] }, prices: [] };

/**
 * Runs each request body through Keel's own ingest path in-process (protobuf decode, meaning, cost,
 * record), stores the records with `store.insertSpans` into `<dir>/source.db`, and reads the rows back.
 */
export async function keelSpanRows(dir: string, batches: readonly OtlpBatch[]): Promise<KeelSpanRows> {
  const records: ProjectSpan[][] = [];
  const ingest = createTraceIngestService({
    store: {
      insertSpans: (spans) => {
        records.push(spans);
        return Promise.resolve();
      },
      getTraceSettings: () => Promise.resolve(noSettings),
    },
    clock: { now: () => Date.now() },
    maxQueuedSpans: 1_000_000, maxBatchSpans: 1_000_000, retryAfterSeconds: 1, settingsTtlMs: 60_000, maxActiveRequests: 1,
  });
  for (const batch of batches) await ingest.ingest(1, decodeOtlpProtobuf(batch.body, { nowMs: Date.now(), maxSpans: 100_000 }).spans);

  const file = path.join(dir, 'source.db');
  const store = await createSqlStore(createSqliteDriver({ filename: file }));
  const project = await store.createProject('bench', Date.now());
  for (const batch of records) await store.insertSpans(batch.map((item) => ({ projectId: project.id, span: item.span })));
  await store.close();

  const db = new Database(file, { readonly: true });
  try {
    const columns = (db.prepare('PRAGMA table_info(spans)').all() as { name: string }[]).map((column) => column.name);
    const byKey = new Map<string, SpanCell[]>();
    const traceAt = columns.indexOf('trace_id');
    const spanAt = columns.indexOf('span_id');
    for (const row of db.prepare('SELECT * FROM spans').raw().iterate() as IterableIterator<SpanCell[]>) byKey.set(`${String(row[traceAt])}/${String(row[spanAt])}`, row);
    const rows = records.map((batch) => batch.map(({ span }) => rowOf(byKey, span)));
    return { records, columns, rows };
  } finally {
    db.close();
  }
}

function rowOf(byKey: ReadonlyMap<string, SpanCell[]>, span: SpanRecord): SpanCell[] {
  const row = byKey.get(`${span.traceId}/${span.spanId}`);
  if (row === undefined) throw new Error(`span ${span.traceId}/${span.spanId} was not stored`);
  return row;
}
