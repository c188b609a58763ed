import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoints the WAL from a worker thread with its own connection. SQLite's automatic checkpoint
 * runs inside the COMMIT that crosses the threshold, on the event loop, and ends with an fsync; in
 * the log-batch benchmark it took half of the commit time. Here the writer never waits for it.
 */
const workerSource = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.modulePath);
const db = new Database(workerData.filename);
db.pragma('busy_timeout = 1000');
let timer;
const tick = () => {
  try {
    let [state] = db.pragma('wal_checkpoint(PASSIVE)');
    // Under steady writes no writer begins while the WAL is fully copied, so none starts it again
    // from its beginning: RESTART makes writers wait while it copies the rest, and the next writer
    // does. The page size is read each time: a new file gets its own only at its first write.
    const pageSize = db.pragma('page_size', { simple: true });
    if (state.log * pageSize > workerData.restartAboveBytes) {
      // What RESTART copies while writers wait is what they appended since the last pass. More
      // PASSIVE passes first, each copying what came during the one before, until that is small.
      for (let pass = 0; pass < workerData.maxCatchUpPasses; pass += 1) {
        const before = state.log;
        [state] = db.pragma('wal_checkpoint(PASSIVE)');
        if ((state.log - before) * pageSize <= workerData.restartLeftBytes) break;
      }
      db.pragma('wal_checkpoint(RESTART)');
    }
  } catch { /* busy: the next tick tries again */ }
  timer = setTimeout(tick, workerData.intervalMs);
};
timer = setTimeout(tick, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort.postMessage('stopped');
});
`;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

export interface WalCheckpointerOptions {
  /** How often to checkpoint. Default 250 ms. */
  intervalMs?: number;
  /**
   * A WAL holding more than this is checkpointed with RESTART (writers wait for it), so that it is
   * reused from its start. Default 64 MiB: under OTLP ingest the server's system CPU fell from
   * 24-42 to 10-16 µs a span against a 1 GiB bound, and spans/s rose 7-8 %. Part of it is that a
   * WAL reused from its start writes into pages the page cache already holds, where a growing one
   * makes the kernel allocate new ones (ADR 0003, amendment of 2026-12-02).
   */
  restartAboveBytes?: number;
  /**
   * Before a RESTART, PASSIVE passes run until one finds at most this much appended since the pass
   * before it (or `maxCatchUpPasses` have run), so that RESTART has little left to copy while
   * writers wait. Default 4 MiB.
   */
  restartLeftBytes?: number;
  /** Default 8. */
  maxCatchUpPasses?: number;
}

export function startWalCheckpointer(filename: string, options: WalCheckpointerOptions = {}): WalCheckpointer {
  const modulePath = createRequire(import.meta.url).resolve('better-sqlite3');
  const workerData = {
    filename,
    modulePath,
    intervalMs: options.intervalMs ?? 250,
    restartAboveBytes: options.restartAboveBytes ?? 64 * 1024 * 1024,
    restartLeftBytes: options.restartLeftBytes ?? 4 * 1024 * 1024,
    maxCatchUpPasses: options.maxCatchUpPasses ?? 8,
  };
  const worker = new Worker(workerSource, { eval: true, workerData });
  worker.unref();
  let failed: Error | undefined;
  worker.on('error', (error) => {
    failed = error;
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (failed !== undefined) {
          resolve();
          return;
        }
        worker.once('message', () => {
          void worker.terminate().then(() => resolve());
        });
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      }),
  };
}
