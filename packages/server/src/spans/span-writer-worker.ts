// The span writer thread (see span-writer.ts): its own store connection. Gateway spans go through
// its own trace ingest service (PII masking, meaning, cost, insert), so that none of it runs on the
// event loop that answers gateway requests; OTLP rows, built on the main thread, are only inserted.
// Bundled as <bundle>-span-writer.mjs beside dist/keel.mjs.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { createTraceIngestService, systemClock } from '@keel/core';
import type { OtlpSpan } from '@keel/spec';
import { openStore } from '@keel/store';
import { fromPackedSpanWire } from './packed-span-wire.ts';
import { type FromSpanWriter, spanWriterDataSchema, toSpanWriterSchema } from './span-writer-protocol.ts';

if (parentPort === null) throw new Error('span-writer-worker runs as a worker thread');
const port: MessagePort = parentPort;
const data = spanWriterDataSchema.parse(workerData);
// Messages posted before the store is open wait in the port: it starts delivering once listened to.
// The main thread's store checkpoints the file's WAL; a second checkpointer would only poll too.
// Each connection has its own page cache: for this one, which only inserts, 16 MB measured as fast
// as the main connection's 64 MB (ADR 0012) and keeps 48 MB less resident.
const store = await openStore({ databaseUrl: data.databaseUrl, checkpointWal: false, cacheMb: 16, tempStoreInMemory: true });
const traceIngest = createTraceIngestService({
  store,
  clock: systemClock,
  maxQueuedSpans: data.maxQueuedSpans,
  maxBatchSpans: data.maxBatchSpans,
  retryAfterSeconds: 1,
  settingsTtlMs: data.settingsTtlMs,
  maxActiveRequests: 1,
});
const inFlight = new Set<Promise<void>>();
const reply = (message: FromSpanWriter): void => port.postMessage(message);

/** The write buffer never splits one submission: chunks keep each transaction at maxBatchSpans. */
function ingest(projectId: number, spans: OtlpSpan[]): Promise<void> {
  const chunks: Promise<void>[] = [];
  for (let start = 0; start < spans.length; start += data.maxBatchSpans) chunks.push(traceIngest.ingest(projectId, spans.slice(start, start + data.maxBatchSpans)));
  return Promise.all(chunks).then(() => undefined);
}

function track(work: Promise<void>): void {
  inFlight.add(work);
  void work.finally(() => inFlight.delete(work));
}

async function close(): Promise<void> {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  await traceIngest.drain();
  await store.close();
  reply({ type: 'closed' });
  port.close();
}

port.on('message', (raw: unknown) => {
  const message = toSpanWriterSchema.parse(raw);
  if (message.type === 'ingest' || message.type === 'insert') {
    const { id } = message;
    const work = message.type === 'ingest' ? ingest(message.projectId, message.spans) : store.insertSpans(message.rows.map(fromPackedSpanWire));
    track(work.then(
      () => reply({ type: 'written', id }),
      (error: unknown) => reply({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) }),
    ));
  } else if (message.type === 'invalidate') {
    traceIngest.invalidateSettings(message.projectId);
    // A settings load begun before the change (by a batch still being masked) would cache the old
    // rules again: forget them once more when the batches in progress now are done.
    const projectId = message.projectId;
    void Promise.allSettled([...inFlight]).then(() => traceIngest.invalidateSettings(projectId));
  } else {
    // A failure here ends the thread with the error, which the main thread logs.
    void close();
  }
});
