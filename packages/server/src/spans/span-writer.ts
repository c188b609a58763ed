import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type pino from 'pino';
import type { OtlpSpan, ProjectSpan } from '@keel/spec';
import { isSharedSqliteFile, parseDatabaseUrl, workerScript } from '@keel/store';
import { z } from 'zod';
import { toPackedSpanWire } from './packed-span-wire.ts';
import { fromSpanWriterSchema, type SpanWriterData, type ToSpanWriter } from './span-writer-protocol.ts';

export interface SpanWriterOptions extends SpanWriterData {
  /** The thread stopped with batches in it: they are rejected (the sink counts them as dropped), and the next batch starts a new thread. */
  onCrash: (error: Error, lostSpans: number) => void;
  /** Sees each thread started (tests make one fail, to check that a crash is survived). */
  onWorker?: ((worker: Worker) => void) | undefined;
}

export interface SpanWriter {
  /** Resolves once the thread reports the spans durable; rejects with its error, or when it stops. */
  ingest(projectId: number, spans: OtlpSpan[]): Promise<void>;
  /**
   * Inserts rows the caller has already built (the main thread's trace ingest), all or none (the
   * thread may join batches in one transaction, a savepoint each); resolves once durable. Each row's
   * raw record is packed here, on the caller's thread, and only its text is copied to the thread
   * (ADR 0018).
   */
  insertSpans(rows: ProjectSpan[]): Promise<void>;
  /** The project's PII rules or prices changed: the thread reads them again for the next batch. */
  invalidateSettings(projectId: number): void;
  stats(): { restarts: number };
  /** Waits for the batches handed over, then closes the thread's store and ends it. */
  close(): Promise<void>;
}

interface Batch {
  spans: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  batches: Map<number, Batch>;
  failure: Error | undefined;
  exited: Promise<void>;
}

/** Where the thread's code is: dist/keel-span-writer.mjs beside the bundle, or span-writer-from-source.mjs (`workerScript`). */
export function spanWriterScript(): URL {
  return workerScript(import.meta.url, 'span-writer');
}

/** False for databases a second connection cannot open (in-memory SQLite, PGlite) and when KEEL_SPAN_WRITER_THREAD=0. */
export function useSpanWriterThread(databaseUrl: string, env: Readonly<Record<string, string | undefined>>): boolean {
  const wanted = z.enum(['0', '1', '']).optional().parse(env.KEEL_SPAN_WRITER_THREAD);
  if (wanted === '0') return false;
  const location = parseDatabaseUrl(databaseUrl);
  if (location.kind !== 'sqlite') return location.kind === 'postgres';
  return isSharedSqliteFile(location.filename);
}

/**
 * Writes trace spans from a worker thread with its own store connection: the gateway's spans, which
 * the thread also masks, maps and prices (ADR 0011), and OTLP rows built by the main thread's trace
 * ingest, which it only inserts (ADR 0012).
 */
export function startSpanWriter(options: SpanWriterOptions): SpanWriter {
  const { onCrash, onWorker, ...data } = options;
  const script = spanWriterScript();
  let thread: Thread | undefined;
  let nextId = 0;
  let restarts = 0;
  let closing: Promise<void> | undefined;

  function settle(current: Thread, id: number, outcome: Error | undefined): void {
    const batch = current.batches.get(id);
    if (batch === undefined) return;
    current.batches.delete(id);
    // Held only while batches are in it: an idle thread never keeps the process alive.
    if (current.batches.size === 0) current.worker.unref();
    if (outcome === undefined) batch.resolve();
    else batch.reject(outcome);
  }

  /**
   * Never worker.terminate() a thread that may be inside SQLite: better-sqlite3 raising an error in
   * an isolate being terminated aborts the whole process. The thread is asked to close instead
   * (it finishes its batches first); the next batch starts a new one.
   */
  function protocolError(current: Thread, error: Error): void {
    current.failure ??= error;
    if (thread === current) thread = undefined;
    post(current, { type: 'close' });
  }

  function start(): Thread {
    const worker = new Worker(script, { workerData: data satisfies SpanWriterData });
    worker.unref();
    let exit: () => void = () => undefined;
    const current: Thread = { worker, batches: new Map(), failure: undefined, exited: new Promise<void>((resolve) => (exit = resolve)) };
    worker.on('message', (raw: unknown) => {
      const parsed = fromSpanWriterSchema.safeParse(raw);
      if (!parsed.success) {
        protocolError(current, new Error(`the span writer sent an unknown message: ${parsed.error.message}`));
        return;
      }
      const message = parsed.data;
      if (message.type === 'written') settle(current, message.id, undefined);
      else if (message.type === 'failed') settle(current, message.id, new Error(message.message));
      // Its store is closed (no SQLite call can be running): nothing it still holds (a pool's
      // timers) may keep it, or close(), waiting.
      else void worker.terminate();
    });
    worker.on('error', (error) => {
      current.failure = error;
    });
    worker.on('messageerror', (error) => protocolError(current, error));
    worker.on('exit', (code) => {
      if (thread === current) thread = undefined;
      const lost = [...current.batches.values()].reduce((sum, batch) => sum + batch.spans, 0);
      const error = new Error(`the span writer thread stopped (exit code ${code})${current.failure === undefined ? '' : `: ${current.failure.message}`}`, { cause: current.failure });
      for (const id of [...current.batches.keys()]) settle(current, id, error);
      if (lost > 0 || current.failure !== undefined) onCrash(error, lost);
      exit();
    });
    onWorker?.(worker);
    return current;
  }

  function post(current: Thread, message: ToSpanWriter): void {
    current.worker.postMessage(message);
  }

  function send(spans: number, message: (id: number) => ToSpanWriter): Promise<void> {
    if (closing !== undefined) return Promise.reject(new Error('the span writer is closed'));
    if (thread === undefined) {
      if (nextId > 0) restarts += 1;
      try {
        thread = start();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    const current = thread;
    const id = nextId++;
    return new Promise<void>((resolve, reject) => {
      current.batches.set(id, { spans, resolve, reject });
      current.worker.ref();
      try {
        post(current, message(id));
      } catch (error) {
        settle(current, id, error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  return {
    ingest: (projectId, spans) => send(spans.length, (id) => ({ type: 'ingest', id, projectId, spans })),
    insertSpans: (rows) => send(rows.length, (id) => ({ type: 'insert', id, rows: rows.map(toPackedSpanWire) })),
    invalidateSettings(projectId) {
      // No thread: the next one reads every project's settings afresh.
      if (thread !== undefined) post(thread, { type: 'invalidate', projectId });
    },
    stats: () => ({ restarts }),
    close() {
      closing ??= (async () => {
        const current = thread;
        if (current === undefined) return;
        current.worker.ref();
        post(current, { type: 'close' });
        await current.exited;
      })();
      return closing;
    },
  };
}

/**
 * The span writer thread for this database and settings, or undefined when spans are written on the
 * main thread: KEEL_SPAN_WRITER_THREAD=0, a database a second connection cannot open, or a bundle
 * copied without the thread's file (a warning says so).
 */
export function startSpanWriterIfUsable(databaseUrl: string, env: Readonly<Record<string, string | undefined>>, logger: pino.Logger): SpanWriter | undefined {
  if (!useSpanWriterThread(databaseUrl, env)) return undefined;
  const script = fileURLToPath(spanWriterScript());
  if (!existsSync(script)) {
    logger.warn({ file: script }, 'the span writer thread is missing; trace spans are written on the main thread');
    return undefined;
  }
  return startSpanWriter({
    databaseUrl,
    // Short SQLite transactions for the gateway's spans: a main-thread write waiting on the lock (busy_timeout) waits little.
    maxBatchSpans: 200,
    // The gateway's sink bounds its spans first (50,000); OTLP rows are bounded by the main thread's trace ingest.
    maxQueuedSpans: 50_000,
    settingsTtlMs: 5_000,
    onCrash: (error, lost) => logger.error({ err: error, dropped: lost }, 'the span writer thread stopped; a new one takes the next spans'),
  });
}
