import type { Metric } from '@keel/spec';
import { first, type SqlDriver, type SqlExecutor } from '../drivers/sql-driver.ts';
import { decodeMetricLog, encodeMetricLog } from './metric-log-codec.ts';
import { writeMetrics } from './write-metrics.ts';

export interface MetricLogOptions {
  /** Points per compaction transaction: one transaction blocks the event loop about 1 ms per 1,000. */
  chunkPoints?: number;
  /** How long the first pending batch waits for others before the background compaction. */
  delayMs?: number;
  /** Pending points at which the background compaction starts without waiting. */
  eagerPoints?: number;
  /** Pending points at which appends wait for compaction (backpressure). */
  maxPendingPoints?: number;
}

export interface MetricLog {
  /** Appends one batch's metrics inside the caller's transaction. */
  append(tx: SqlExecutor, runPk: number, metrics: readonly Metric[]): Promise<void>;
  /** Tells the log that a transaction holding `points` appended points committed. */
  appended(points: number): void;
  /** Waits, compacting, while the backlog is over its bound. */
  admit(): Promise<void>;
  /** Compacts every batch appended before the call (in this process or another one). */
  flush(): Promise<void>;
  /** Stops the background compaction and drains the log. */
  close(): Promise<void>;
  /** Points appended by this process and not yet compacted. */
  readonly pendingPoints: number;
}

// A compaction transaction writes every page it touches once, about 10 per run and key whatever
// the number of batches, and its COMMIT costs about 30 µs a page on the bench machine: compacting
// rarely (every 100 ms) merges many batches per run. One transaction per run, of at most 4,000
// points, keeps each one short; 1,000-point batches from 8 clients waited 102 ms at p95 behind
// 20,000-point transactions over all runs, 33 ms behind these.
const defaults = { chunkPoints: 4000, delayMs: 100, eagerPoints: 40_000, maxPendingPoints: 200_000 };
const maxId = Number.MAX_SAFE_INTEGER;

/**
 * The metric write log of ADR 0009 (SQLite): log-batch appends its metrics as one row of
 * `metric_log`; compaction moves all of a run's pending batches into metric_blocks (ADR 0014), latest_metrics and
 * metric_rollups with one `writeMetrics` in one transaction, so that each page and each rollup row
 * is written once for many batches.
 */
export function createMetricLog(db: SqlDriver, options: MetricLogOptions = {}): MetricLog {
  const { chunkPoints, delayMs, eagerPoints, maxPendingPoints } = { ...defaults, ...options };
  let pendingPoints = 0;
  // Points per log row, learnt from the rows compacted: how many rows one chunk reads.
  let pointsPerRow = 1000;
  let cancelTimer: (() => void) | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  /** Compacts up to `chunkPoints` points of one run's oldest rows with id <= upTo, in one transaction. */
  const compactRun = (runPk: number, upTo: number): Promise<void> =>
    db.transaction(async (tx) => {
      const limit = Math.max(1, Math.ceil(chunkPoints / pointsPerRow));
      const rows = await tx.all('SELECT id, points, payload FROM metric_log WHERE run_pk = ? AND id <= ? ORDER BY id LIMIT ?', [runPk, upTo, limit]);
      if (rows.length === 0) return;
      const metrics: Metric[] = [];
      let points = 0;
      for (const row of rows) {
        decodeMetricLog(row.payload, metrics);
        points += Number(row.points);
      }
      await writeMetrics(tx, runPk, metrics);
      await tx.run('DELETE FROM metric_log WHERE run_pk = ? AND id <= ?', [runPk, Number(rows[rows.length - 1]?.id)]);
      pointsPerRow = Math.max(1, points / rows.length);
      pendingPoints = Math.max(0, pendingPoints - points);
    });

  /**
   * One pass over the runs with rows of id <= upTo: a transaction per run, so that a transaction
   * writes one run's pages (its COMMIT stays short) and appends commit between them. Resolves to
   * the number of runs that had rows.
   */
  const compactStep = async (upTo: number): Promise<number> => {
    const runs = await db.all('SELECT DISTINCT run_pk FROM metric_log WHERE id <= ?', [upTo]);
    if (runs.length === 0) pendingPoints = 0;
    for (const run of runs) await compactRun(Number(run.run_pk), upTo);
    return runs.length;
  };

  const schedule = (): void => {
    if (closed || running !== undefined || cancelTimer !== undefined || pendingPoints === 0) return;
    const tick = (): void => {
      cancelTimer = undefined;
      running = compactStep(maxId)
        .then(
          () => undefined,
          // A failed compaction (another process holding the write lock past busy_timeout) leaves
          // the rows in the log: the next tick, or the next read, tries again.
          () => undefined,
        )
        .finally(() => {
          running = undefined;
          schedule();
        });
    };
    if (pendingPoints >= eagerPoints) {
      const immediate = setImmediate(tick);
      cancelTimer = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(tick, delayMs).unref();
      cancelTimer = () => clearTimeout(timeout);
    }
  };

  const flush = async (): Promise<void> => {
    const top = await first(db, 'SELECT MAX(id) AS id FROM metric_log');
    if (top?.id === null || top?.id === undefined) return;
    const upTo = Number(top.id);
    while ((await compactStep(upTo)) > 0);
  };

  return {
    async append(tx, runPk, metrics) {
      await tx.run('INSERT INTO metric_log (run_pk, points, payload) VALUES (?, ?, ?)', [runPk, metrics.length, encodeMetricLog(metrics)]);
    },
    appended(points) {
      pendingPoints += points;
      schedule();
    },
    async admit() {
      while (pendingPoints >= maxPendingPoints && !closed) await compactStep(maxId);
    },
    flush,
    async close() {
      if (closed) return;
      closed = true;
      cancelTimer?.();
      cancelTimer = undefined;
      await running;
      await flush();
    },
    get pendingPoints() {
      return pendingPoints;
    },
  };
}
