import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { createGatewaySpanSink, createTraceIngestService, systemClock } from '@keel/core';
import type { KeelStore, OtlpSpan, ProjectSpan } from '@keel/spec';
import { openStore } from '@keel/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SpanWriter, startSpanWriter, useSpanWriterThread } from './span-writer.ts';

let home: string;
let databaseUrl: string;
let store: KeelStore;
let projectId: number;
const writers: SpanWriter[] = [];

beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'keel-span-writer-'));
  databaseUrl = path.join(home, 'keel.db');
  store = await openStore({ databaseUrl });
  projectId = (await store.createProject('writer', Date.now())).id;
});

afterEach(async () => {
  await Promise.all(writers.splice(0).map((writer) => writer.close()));
  await store.close();
  await rm(home, { recursive: true, force: true });
});

function start(options: { onCrash?: (error: Error, lost: number) => void; onWorker?: (worker: Worker) => void } = {}): SpanWriter {
  const writer = startSpanWriter({ databaseUrl, maxBatchSpans: 200, maxQueuedSpans: 50_000, settingsTtlMs: 60_000, onCrash: options.onCrash ?? (() => undefined), onWorker: options.onWorker });
  writers.push(writer);
  return writer;
}

let sequence = 0;
function span(text: string): OtlpSpan {
  sequence += 1;
  const startNs = BigInt(Date.now()) * 1_000_000n;
  return {
    traceId: sequence.toString(16).padStart(32, '0'), spanId: sequence.toString(16).padStart(16, '0'), parentSpanId: null, name: 'chat gpt-4o-mini', otelKind: 3,
    startTimeUnixNano: String(startNs), endTimeUnixNano: String(startNs + 5_000_000n),
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'input.value': text },
    events: [], links: [], status: { code: 0, message: '' }, resource: { 'service.name': 'keel-gateway' }, scope: { name: 'keel-gateway', version: '1' },
  };
}

/**
 * Makes the thread fail as a bug would: a message it cannot read throws in its handler, an uncaught
 * exception that ends it before it reads the messages queued behind. (worker.terminate() is no
 * substitute: stopping a thread inside a better-sqlite3 call can abort the whole process.)
 */
function crash(worker: Worker | undefined): void {
  if (worker === undefined) throw new Error('no span writer thread started');
  worker.postMessage({ type: 'not a message' });
}

async function storedText(traceId: string): Promise<string> {
  return JSON.stringify(await store.getTraceSpans(projectId, traceId));
}

async function storedCount(): Promise<number> {
  const page = await store.listTraces(projectId, { fromUs: (Date.now() - 3_600_000) * 1000, toUs: (Date.now() + 60_000) * 1000, limit: 1000 });
  return page.items.length;
}

describe('span writer thread', () => {
  it("writes spans with the project's PII rules, and with changed rules at once after invalidateSettings", async () => {
    await store.setTraceSettings(projectId, { retentionDays: null, pii: { detectors: ['email'], custom: [] }, prices: [] });
    const writer = start();
    const first = span('mail me at someone@example.com');
    await writer.ingest(projectId, [first]);
    expect(await storedText(first.traceId)).toContain('mail me at <EMAIL>');

    // The thread caches the rules (60 s here): only the invalidation makes it read the new ones.
    await store.setTraceSettings(projectId, { retentionDays: null, pii: { detectors: ['email'], custom: [{ name: 'ORDER', pattern: 'ord-[0-9]+' }] }, prices: [] });
    writer.invalidateSettings(projectId);
    const second = span('order ord-12345 for someone@example.com');
    await writer.ingest(projectId, [second]);
    const text = await storedText(second.traceId);
    expect(text).not.toContain('ord-12345');
    expect(text).not.toContain('someone@example.com');
  });

  it('writes a batch larger than one transaction whole', async () => {
    const writer = start();
    await writer.ingest(projectId, Array.from({ length: 450 }, (_, index) => span(`call ${index}`)));
    expect(await storedCount()).toBe(450);
  });

  it('rejects the batches of a thread that stops, reports them, and starts a new thread for the next batch', async () => {
    const crashes: number[] = [];
    const workers: Worker[] = [];
    const writer = start({ onCrash: (_error, lost) => crashes.push(lost), onWorker: (worker) => workers.push(worker) });
    await writer.ingest(projectId, [span('before')]);
    crash(workers[0]);
    const lost = writer.ingest(projectId, [span('lost 1'), span('lost 2')]);
    await expect(lost).rejects.toThrow(/span writer thread stopped/);
    expect(crashes).toEqual([2]);

    const after = span('after');
    await writer.ingest(projectId, [after]);
    expect(workers).toHaveLength(2);
    expect(writer.stats().restarts).toBe(1);
    expect(await storedText(after.traceId)).toContain('after');
  });

  it('through the gateway sink: spans of a stopped thread are counted as dropped, the others as written', async () => {
    const workers: Worker[] = [];
    const writer = start({ onWorker: (worker) => workers.push(worker) });
    const errors: number[] = [];
    const sink = createGatewaySpanSink({ ingest: (id, spans) => writer.ingest(id, spans), flushIntervalMs: 60_000, maxBatch: 3, maxPending: 100, onError: (_error, dropped) => errors.push(dropped) });
    for (let index = 0; index < 3; index += 1) sink.add(projectId, span(`written ${index}`));
    await sink.drain();
    crash(workers[0]);
    for (let index = 0; index < 3; index += 1) sink.add(projectId, span(`dropped ${index}`));
    await sink.drain();
    expect(sink.stats()).toEqual({ pending: 0, written: 3, dropped: 3 });
    expect(errors).toEqual([3]);
    sink.add(projectId, span('after the restart'));
    await sink.drain();
    expect(sink.stats()).toEqual({ pending: 0, written: 4, dropped: 3 });
  });

  it('inserts rows built by the main thread (OTLP ingest), each batch in one transaction: a bad row fails its batch and stores none of it', async () => {
    await store.setTraceSettings(projectId, { retentionDays: null, pii: { detectors: ['email'], custom: [] }, prices: [] });
    const writer = start();
    const batches: ProjectSpan[][] = [];
    // As start-server.ts wires it: masking, mapping and pricing on this thread, the insert on the writer's.
    const ingest = createTraceIngestService({
      store: { insertSpans: (rows) => (batches.push(rows), writer.insertSpans(rows)), getTraceSettings: (id) => store.getTraceSettings(id) },
      clock: systemClock, maxQueuedSpans: 1_000, maxBatchSpans: 500, retryAfterSeconds: 1, settingsTtlMs: 60_000, maxActiveRequests: 8,
    });
    const first = span('write to someone@example.com');
    await ingest.ingest(projectId, [first, span('second')]);
    expect(batches).toHaveLength(1);
    expect(await storedCount()).toBe(2);
    expect(await storedText(first.traceId)).toContain('write to <EMAIL>');
    // Raw records were packed on this thread and only their text sent (ADR 0018): they read back whole.
    expect(await store.getTraceSpans(projectId, first.traceId)).toEqual([batches[0]?.[0]?.span]);

    const [good, bad] = [span('good'), span('bad')];
    const built = (batches[0] ?? []).map((row, index) => ({ projectId, span: { ...row.span, traceId: index === 0 ? good.traceId : bad.traceId, spanId: index === 0 ? good.spanId : bad.spanId } }));
    const broken = built.map((row, index) => (index === 1 ? { ...row, span: { ...row.span, name: null as unknown as string } } : row));
    await expect(writer.insertSpans(broken)).rejects.toThrow(/NOT NULL/i);
    expect(await storedCount()).toBe(2);
    await writer.insertSpans(built);
    expect(await storedCount()).toBe(4);
  });

  it('close writes every batch handed over, then ends the thread', async () => {
    const exits: Promise<number>[] = [];
    const writer = start({ onWorker: (worker) => exits.push(new Promise((resolve) => worker.once('exit', resolve))) });
    const batches = Array.from({ length: 5 }, (_, batch) => writer.ingest(projectId, Array.from({ length: 100 }, (_, index) => span(`batch ${batch} call ${index}`))));
    await writer.close();
    await expect(Promise.all(batches)).resolves.toHaveLength(5);
    expect(await storedCount()).toBe(500);
    expect(exits).toHaveLength(1);
    await exits[0];
    await expect(writer.ingest(projectId, [span('too late')])).rejects.toThrow(/closed/);
  });
});

describe('useSpanWriterThread', () => {
  it('is on for database files and PostgreSQL, off for in-memory databases and when KEEL_SPAN_WRITER_THREAD=0', () => {
    expect(useSpanWriterThread('/home/keel/keel.db', {})).toBe(true);
    expect(useSpanWriterThread('sqlite:/home/keel/keel.db', { KEEL_SPAN_WRITER_THREAD: '1' })).toBe(true);
    expect(useSpanWriterThread('postgres://keel@db/keel', {})).toBe(true);
    expect(useSpanWriterThread(':memory:', {})).toBe(false);
    expect(useSpanWriterThread('sqlite::memory:', {})).toBe(false);
    expect(useSpanWriterThread('pglite:', {})).toBe(false);
    expect(useSpanWriterThread('/home/keel/keel.db', { KEEL_SPAN_WRITER_THREAD: '0' })).toBe(false);
    expect(() => useSpanWriterThread('/home/keel/keel.db', { KEEL_SPAN_WRITER_THREAD: 'yes' })).toThrow();
  });
});
