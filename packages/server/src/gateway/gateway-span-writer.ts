import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { OtlpSpan } from '@keel/spec';
import { parseDatabaseUrl } from '@keel/store';
import { z } from 'zod';
import { fromSpanWriterSchema, type SpanWriterData, type ToSpanWriter } from './gateway-span-writer-protocol.ts';

export interface GatewaySpanWriterOptions extends SpanWriterData {
  /** The thread stopped with batches in it: they are rejected (the sink counts them as dropped), and the next batch starts a new thread. */
  onCrash: (error: Error, lostSpans: number) => void;
  /** Sees each thread started (tests make one fail, to check that a crash is survived). */
  onWorker?: ((worker: Worker) => void) | undefined;
}

export interface GatewaySpanWriter {
  /** Resolves once the thread reports the spans durable; rejects with its error, or when it stops. */
  ingest(projectId: number, spans: OtlpSpan[]): Promise<void>;
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

/**
 * Where the thread's code is. Bundled (dist/keel.mjs), scripts/build.mjs writes it beside the
 * bundle as <bundle name>-gateway-span-writer.mjs; from source (vitest, tsx) the .ts entry runs
 * with tsx's loader, registered inside the thread by gateway-span-writer-from-source.mjs.
 */
export function gatewaySpanWriterScript(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('./gateway-span-writer-from-source.mjs', here);
  const bundle = fileURLToPath(here);
  return pathToFileURL(path.join(path.dirname(bundle), `${path.basename(bundle, path.extname(bundle))}-gateway-span-writer.mjs`));
}

/** False for databases a second connection cannot open (in-memory SQLite, PGlite) and when KEEL_GATEWAY_SPAN_WORKER=0. */
export function useGatewaySpanWorker(databaseUrl: string, env: Readonly<Record<string, string | undefined>>): boolean {
  const wanted = z.enum(['0', '1', '']).optional().parse(env.KEEL_GATEWAY_SPAN_WORKER);
  if (wanted === '0') return false;
  const location = parseDatabaseUrl(databaseUrl);
  if (location.kind !== 'sqlite') return location.kind === 'postgres';
  const { filename } = location;
  return filename !== '' && filename !== ':memory:' && !filename.includes('mode=memory');
}

/** Writes gateway spans from a worker thread with its own store connection (ADR 0011). */
export function startGatewaySpanWriter(options: GatewaySpanWriterOptions): GatewaySpanWriter {
  const { onCrash, onWorker, ...data } = options;
  const script = gatewaySpanWriterScript();
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
        protocolError(current, new Error(`the gateway span writer sent an unknown message: ${parsed.error.message}`));
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
      const error = new Error(`the gateway span writer thread stopped (exit code ${code})${current.failure === undefined ? '' : `: ${current.failure.message}`}`, { cause: current.failure });
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

  return {
    ingest(projectId, spans) {
      if (closing !== undefined) return Promise.reject(new Error('the gateway span writer is closed'));
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
        current.batches.set(id, { spans: spans.length, resolve, reject });
        current.worker.ref();
        try {
          post(current, { type: 'ingest', id, projectId, spans });
        } catch (error) {
          settle(current, id, error instanceof Error ? error : new Error(String(error)));
        }
      });
    },
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
