import { Worker } from 'node:worker_threads';
import { first, type SqlDriver } from '../drivers/sql-driver.ts';
import type { WriterPriority } from '../drivers/writer-priority.ts';
import { workerScript } from '../worker-script.ts';
import { appendToMetricLog, createMetricLog, type MetricLog, metricLogDefaults, type MetricLogOptions } from './metric-log.ts';
import { fromMetricCompactorSchema, type MetricCompactorData, type ToMetricCompactor } from './metric-compactor-protocol.ts';

export interface MetricCompactorOptions {
  /** The SQLite file, which the thread opens with a connection of its own. */
  filename: string;
  /** Shared with the event loop's connection (`createSqliteDriver({ priority })`). */
  priority: WriterPriority;
  metricLog?: MetricLogOptions;
  /** Sees the thread once started (tests end it, to check that the main thread takes over). */
  onWorker?: (worker: Worker) => void;
}

/**
 * The inline log keeps a compaction transaction to 4,000 points because it holds the event loop;
 * the thread's holds only the write lock, which the event loop waits for on timers. Compacting
 * 400,000 points of 8 runs in one process took 593-827 ms in passes of 40,000 points and
 * transactions of 4,000, and 390-437 ms in passes of 80,000 and transactions of 10,000 (one per
 * run per pass), in the same rounds. A run's 10,000 points are then written in transactions of whole
 * keys of at most 2,500 points: the event loop's appends wait for shorter holds of the write lock
 * (ADR 0016, amendment "compaction transactions of whole keys").
 */
const transactionDefaults: MetricLogOptions = { chunkPoints: 10_000, keyGroupPoints: 2_500, passPoints: 80_000 };

/**
 * The thread compacts after a burst, not during it (ADR 0016, amendment "compaction after a
 * burst"): once no batch has come for 50 ms, 2 s after the first pending one at the latest, or
 * at once when 500,000 points wait. Appends wait for compaction past 1,000,000 (about 2 s of
 * compaction, which a read after such a burst waits for).
 */
const scheduleDefaults: MetricLogOptions = { quietMs: 50, delayMs: 2_000, eagerPoints: 500_000, maxPendingPoints: 1_000_000 };

interface Flush {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The metric log of ADR 0009 with its compaction in a worker thread (ADR 0016). Appends stay in
 * the caller's transaction on the event loop, which answers the client once they commit; the
 * thread moves the logged points into blocks, latest values and rollups with its own connection,
 * so that a log-batch's JSON parsing and a compaction's writing run on two cores. Reads flush
 * through the thread, as they flush the inline log. Should the thread fail, this process compacts
 * on the event loop from then on (`createMetricLog`), and the rows it left in the log with it.
 */
export function startMetricCompactor(db: SqlDriver, options: MetricCompactorOptions): MetricLog {
  // Callers drain the log first (createSqlStore does, on the event loop, so that a start need not wait for the thread to boot).
  // Options a caller sets replace the schedule as a whole (tests make it wait, or run at once).
  const logOptions = { ...transactionDefaults, ...(options.metricLog ?? scheduleDefaults) };
  const maxPendingPoints = logOptions.maxPendingPoints ?? metricLogDefaults.maxPendingPoints;
  const data: MetricCompactorData = { filename: options.filename, priority: options.priority.buffer, options: logOptions };
  // The thread starts with the first run created (prepare) or metrics logged: a server that tracks
  // no runs (a gateway, say) neither waits for it nor keeps its memory (about 20 MB resident).
  let worker: Worker | undefined;
  // Committed appends and their points compacted by the thread: the backlog is the difference
  // (the caller drained what a stopped process left before starting the thread).
  let appendedPoints = 0;
  let compactedPoints = 0;
  // Appends are announced to the thread at most every 10 ms, and at once when the backlog crosses
  // the eager bound: a message costs the event loop tens of µs (posting wakes the thread), about
  // 6 % of it at one per small batch. The thread's lull (quietMs) is then measured 10 ms late at most.
  let unsent = 0;
  let announceTimer: NodeJS.Timeout | undefined;
  const eagerPoints = logOptions.eagerPoints ?? metricLogDefaults.eagerPoints;
  let nextFlushId = 0;
  const flushes = new Map<number, Flush>();
  let progressWaiters: (() => void)[] = [];
  let inline: MetricLog | undefined;
  let closing: Promise<void> | undefined;
  let closed: (() => void) | undefined;
  /** The thread answered `closed`: its exit is the end, not a failure. */
  let finished = false;

  const wakeWaiters = (): void => {
    const woken = progressWaiters;
    progressWaiters = [];
    for (const wake of woken) wake();
  };
  const send = (message: ToMetricCompactor): void => thread().postMessage(message);

  /** The thread is gone: compact here, flushing what callers were waiting for. */
  const takeOver = (error: Error): void => {
    if (inline !== undefined || finished) return;
    if (closing === undefined) process.emitWarning(`keel: the metric compactor thread stopped (${error.message}); compacting on the main thread`);
    // The event loop's own bounds (4,000-point transactions), not the thread's longer ones.
    inline = createMetricLog(db, options.metricLog ?? {});
    inline.appended(Math.max(0, appendedPoints - compactedPoints));
    const local = inline;
    for (const flush of flushes.values()) local.flush().then(flush.resolve, flush.reject);
    flushes.clear();
    wakeWaiters();
    closed?.();
  };

  const onMessage = (raw: unknown): void => {
    const message = fromMetricCompactorSchema.parse(raw);
    if (message.type === 'compacted') {
      compactedPoints += message.points;
      wakeWaiters();
    } else if (message.type === 'flushed' || message.type === 'failed') {
      const flush = flushes.get(message.id);
      flushes.delete(message.id);
      if (message.type === 'flushed') flush?.resolve();
      else flush?.reject(new Error(message.message));
    } else {
      finished = true;
      closed?.();
    }
  };
  function thread(): Worker {
    if (worker !== undefined) return worker;
    const started = new Worker(workerScript(import.meta.url, 'metric-compactor'), { workerData: data });
    started.on('message', onMessage);
    started.on('error', (error) => takeOver(error));
    started.on('exit', (code) => takeOver(new Error(`exited with code ${code}`)));
    worker = started;
    options.onWorker?.(started);
    return started;
  }

  const flushThroughThread = (): Promise<void> => {
    const id = nextFlushId;
    nextFlushId += 1;
    return new Promise<void>((resolve, reject) => {
      flushes.set(id, { resolve, reject });
      send({ type: 'flush', id });
    });
  };
  const announce = (): void => {
    clearTimeout(announceTimer);
    announceTimer = undefined;
    if (inline === undefined && unsent > 0) send({ type: 'appended', points: unsent });
    unsent = 0;
  };

  // Read through a function: the thread can fail while a caller awaits.
  const takenOver = (): MetricLog | undefined => inline;
  const flush = async (): Promise<void> => {
    if (takenOver() !== undefined) return takenOver()?.flush();
    // The main connection sees every committed append: an empty log needs no round trip.
    const top = await first(db, 'SELECT MAX(id) AS id FROM metric_log');
    if (top?.id === null || top?.id === undefined) return;
    if (takenOver() !== undefined) return takenOver()?.flush();
    await flushThroughThread();
  };

  return {
    append: appendToMetricLog,
    prepare() {
      // A run was created: its metrics will come. The thread's boot (a few hundred ms of a core)
      // then overlaps the client's set-up rather than its first batches.
      if (inline === undefined && closing === undefined) thread();
    },
    appended(points) {
      appendedPoints += points;
      if (inline !== undefined) {
        inline.appended(points);
        return;
      }
      unsent += points;
      const pending = appendedPoints - compactedPoints;
      if (pending >= eagerPoints && pending - points < eagerPoints) announce();
      else announceTimer ??= setTimeout(announce, 10).unref();
    },
    async admit() {
      while (inline === undefined && closing === undefined && appendedPoints - compactedPoints >= maxPendingPoints) {
        await new Promise<void>((resolve) => progressWaiters.push(resolve));
      }
      await inline?.admit();
    },
    flush,
    close() {
      announce();
      closing ??= (async () => {
        // No thread: nothing was logged, or it all went through the event loop's log.
        if (inline === undefined && worker !== undefined) {
          const running = worker;
          await new Promise<void>((resolve) => {
            closed = resolve;
            send({ type: 'close' });
          });
          await running.terminate();
        }
        wakeWaiters();
        await inline?.close();
      })();
      return closing;
    },
    get pendingPoints() {
      return inline?.pendingPoints ?? Math.max(0, appendedPoints - compactedPoints);
    },
  };
}
