import type { Metric } from '@keel/spec';
import { first, type SqlDriver, type SqlExecutor } from '../drivers/sql-driver.ts';
import { decodeMetricLog, encodeMetricLog } from './metric-log-codec.ts';
import { metricsByKey } from './metrics-by-key.ts';
import { writeMetrics } from './write-metrics.ts';

export interface MetricLogOptions {
  /** Points of one run compacted together: one transaction blocks the event loop about 1 ms per 1,000. */
  chunkPoints?: number;
  /**
   * When set, a run's chunk is written in groups of whole keys of at most this many points (a key
   * with more is one of its own), a transaction each, so that each holds the write lock for less
   * time; a lull's drain joins them in one transaction until something waits (`compactRun`).
   */
  keyGroupPoints?: number;
  /** How long the first pending batch waits for others before the background compaction. */
  delayMs?: number;
  /**
   * When set, the background compaction waits for a lull: it starts once no batch has been appended
   * for this long (and `delayMs` after the first pending one at the latest), then drains the log in
   * back-to-back passes. A burst of appends is then compacted after it, not while it is answered
   * (ADR 0016, amendment "compaction after a burst").
   */
  quietMs?: number;
  /** Pending points at which the background compaction starts without waiting. */
  eagerPoints?: number;
  /** Points read by one compaction pass at most (its memory): `eagerPoints` when absent. */
  passPoints?: number;
  /** Pending points at which appends wait for compaction (backpressure). */
  maxPendingPoints?: number;
}

/** What the metric compactor thread (metric-compactor.ts) adds to a log it runs. */
export interface MetricLogHooks {
  /** Before each compaction transaction (the thread yields the write lock to a waiting event loop). */
  beforeTransaction?: () => void;
  /**
   * Inside a compaction transaction that could go on with more of its run's keys: true when a
   * foreground writer waits for the write lock, so that the transaction commits what it wrote first.
   */
  contended?: () => boolean;
  /** After each compaction transaction commits: how many logged points it wrote. */
  onCompacted?: (points: number) => void;
}

export interface MetricLog {
  /** Appends one batch's metrics inside the caller's transaction. */
  append(tx: SqlExecutor, runPk: number, metrics: readonly Metric[]): Promise<void>;
  /** Readies what compaction runs on before the first append (the compactor thread boots). */
  prepare(): void;
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

// A compaction transaction writes every page it touches once, a few per run and key whatever
// the number of batches, and its COMMIT costs about 30 µs a page on the bench machine: compacting
// rarely (every 500 ms) merges many batches per run. One transaction per run, of at most 4,000
// points, keeps each one short; 1,000-point batches from 8 clients waited 102 ms at p95 behind
// 20,000-point transactions over all runs, 33 ms behind these. The log's own rows are deleted once
// per pass, not per run: the rows of 20 runs logging small batches share the log's pages, so a
// delete per run rewrote most of them 20 times a pass (ADR 0009, amendment of migration 11).
export const metricLogDefaults = { chunkPoints: 4000, delayMs: 500, eagerPoints: 40_000, maxPendingPoints: 200_000 };
const maxId = Number.MAX_SAFE_INTEGER;
/** Log rows read per query of a compaction pass at most. */
const pageRows = 256;

/**
 * A run's points in groups of whole keys, each of at most `limit` points but for a key that alone
 * has more. Each key's points stay together, so compaction merges them into its blocks and rollups
 * once (ADR 0014).
 */
function groupByKey(metrics: readonly Metric[], limit: number): Metric[][] {
  const groups: Metric[][] = [];
  let group: Metric[] = [];
  for (const points of metricsByKey(metrics).values()) {
    if (group.length > 0 && group.length + points.length > limit) {
      groups.push(group);
      group = [];
    }
    for (const point of points) group.push(point);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** Appends one batch's metrics to the log as one row, inside the caller's transaction. */
export async function appendToMetricLog(tx: SqlExecutor, runPk: number, metrics: readonly Metric[]): Promise<void> {
  await tx.run('INSERT INTO metric_log (run_pk, points, payload) VALUES (?, ?, ?)', [runPk, metrics.length, encodeMetricLog(metrics)]);
}

/**
 * The metric write log of ADR 0009 (SQLite): log-batch appends its metrics as one row of
 * `metric_log`; compaction moves all of a run's pending batches into metric_blocks (ADR 0014), latest_metrics and
 * metric_rollups with one `writeMetrics` in one transaction, so that each page and each rollup row
 * is written once for many batches.
 */
export function createMetricLog(db: SqlDriver, options: MetricLogOptions = {}, hooks: MetricLogHooks = {}): MetricLog {
  const { chunkPoints, delayMs, eagerPoints, maxPendingPoints } = { ...metricLogDefaults, ...options };
  const { keyGroupPoints, quietMs } = options;
  const passPoints = options.passPoints ?? eagerPoints;
  let pendingPoints = 0;
  let cancelTimer: (() => void) | undefined;
  /** When the timer set by `schedule` fires (performance.now()); Infinity when none is set. */
  let timerDue = Number.POSITIVE_INFINITY;
  /** When the oldest batch not yet compacted was appended, and the latest one (quietMs only). */
  let firstPendingAt: number | undefined;
  let lastAppendAt = 0;
  /** Points written by compaction so far, in this process. */
  let compactedPoints = 0;
  /**
   * With quietMs: a compaction started, and goes on pass after pass until it has written the
   * backlog it found (`target` points counted from `from`); batches appended meanwhile wait for
   * the next lull.
   */
  let drain: { from: number; target: number } | undefined;
  /** When a lull started the current drain (performance.now()); Infinity when none did. */
  let lullSince = Number.POSITIVE_INFINITY;
  /** After a failed pass, the next background one waits `delayMs`, lull or not. */
  let notBefore = 0;
  let running: Promise<void> | undefined;
  let closed = false;
  // Points per log row, learnt from the rows read: how many rows a pass reads per query.
  let pointsPerRow = 1000;
  // Appends waiting for the backlog to shrink, woken after each compaction transaction.
  let waiters: (() => void)[] = [];
  const progressed = (): void => {
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };

  /**
   * Writes the points of one run's log rows (at most about `chunkPoints`): decoded before any
   * transaction, then in one transaction, or in groups of whole keys (`keyGroupPoints`) while
   * appends may be waiting for the write lock. With quietMs, a lull that started this drain lets
   * one transaction go on from group to group (it commits fewer pages than several), until an
   * append comes or a foreground writer waits for the lock (`contended`): a burst that starts
   * while a lull's drain writes then waits for one group, not for the whole chunk.
   */
  const compactRun = async (runPk: number, payloads: readonly unknown[]): Promise<void> => {
    const metrics: Metric[] = [];
    for (const payload of payloads) decodeMetricLog(payload, metrics);
    const groups = keyGroupPoints === undefined ? [metrics] : groupByKey(metrics, keyGroupPoints);
    // Still a lull, and nothing waits for the lock: the open transaction takes the next group too.
    const joinNext = (): boolean => lullSince !== Number.POSITIVE_INFINITY && lastAppendAt < lullSince && hooks.contended?.() !== true;
    let next = 0;
    while (next < groups.length) {
      hooks.beforeTransaction?.();
      await db.transaction(async (tx) => {
        do {
          await writeMetrics(tx, runPk, groups[next] ?? []);
          next += 1;
        } while (next < groups.length && joinNext());
      });
    }
  };

  /**
   * One pass: reads the oldest rows with id <= upTo (about `passPoints` points at most), groups
   * them by run, writes each run's points in transactions of at most `chunkPoints` points, so that a
   * transaction writes one run's pages (its COMMIT stays short) and appends commit between them, then
   * deletes the rows it read in one statement. A row is deleted only after its points are written;
   * should the process stop in between, the next pass writes them again, which changes nothing
   * (writeMetrics skips points already stored and counts only new ones in the rollups). Resolves to
   * the number of rows read.
   */
  const compactStep = async (upTo: number): Promise<number> => {
    const runs = new Map<number, { points: number; payloads: unknown[] }[]>();
    let points = 0;
    let rows = 0;
    let lastId = 0;
    // Pages of rows until the pass holds `passPoints` points: its memory and the time its rows
    // wait for their delete stay bounded whether a row is a batch of 10 points or of 10,000.
    while (points < passPoints) {
      const limit = Math.min(pageRows, Math.max(1, Math.ceil((passPoints - points) / pointsPerRow)));
      const page = await db.all('SELECT id, run_pk, points, payload FROM metric_log WHERE id > ? AND id <= ? ORDER BY id LIMIT ?', [lastId, upTo, limit]);
      let pagePoints = 0;
      for (const row of page) {
        const runPk = Number(row.run_pk);
        const rowPoints = Number(row.points);
        pagePoints += rowPoints;
        const chunks = runs.get(runPk) ?? [];
        if (chunks.length === 0) runs.set(runPk, chunks);
        const last = chunks[chunks.length - 1];
        if (last !== undefined && last.points + rowPoints <= chunkPoints) {
          last.points += rowPoints;
          last.payloads.push(row.payload);
        } else chunks.push({ points: rowPoints, payloads: [row.payload] });
      }
      points += pagePoints;
      rows += page.length;
      if (page.length > 0) pointsPerRow = Math.max(1, pagePoints / page.length);
      lastId = Number(page[page.length - 1]?.id ?? lastId);
      if (page.length < limit) break;
    }
    if (rows === 0) {
      pendingPoints = 0;
      firstPendingAt = undefined;
      return 0;
    }
    for (const [runPk, chunks] of runs) {
      for (const chunk of chunks) {
        await compactRun(runPk, chunk.payloads);
        hooks.onCompacted?.(chunk.points);
        compactedPoints += chunk.points;
        // Written: appends waiting for the backlog to shrink may go on before the pass ends.
        pendingPoints = Math.max(0, pendingPoints - chunk.points);
        progressed();
      }
    }
    await db.run('DELETE FROM metric_log WHERE id <= ?', [lastId]);
    return rows;
  };

  /** Passes run one at a time: a pass deletes its rows only at its end, and another one would write them twice. */
  let passes: Promise<unknown> = Promise.resolve();
  let passesInFlight = 0;
  const pass = (upTo: number): Promise<number> => {
    passesInFlight += 1;
    const next = passes.then(() => compactStep(upTo)).finally(() => {
      passesInFlight -= 1;
      progressed();
    });
    passes = next.catch(() => undefined);
    return next;
  };

  const draining = (): boolean => drain !== undefined && compactedPoints - drain.from < drain.target;
  /** When the next background pass is due (performance.now()): now once eager or draining; `lull` when a lull sets it. */
  const dueAt = (now: number): { due: number; lull: boolean } => {
    if (quietMs === undefined) return { due: pendingPoints >= eagerPoints ? now : now + delayMs, lull: false };
    if (draining() || pendingPoints >= eagerPoints) return { due: Math.max(now, notBefore), lull: false };
    const latest = (firstPendingAt ?? now) + delayMs;
    const quiet = lastAppendAt + quietMs;
    return { due: Math.max(Math.min(latest, quiet), notBefore), lull: quiet <= latest };
  };

  const schedule = (): void => {
    if (closed || running !== undefined || pendingPoints === 0) return;
    const now = performance.now();
    const { due, lull } = dueAt(now);
    // A timer once set stays; waiting for a lull, it moves with each append (or to now, once eager).
    if (cancelTimer !== undefined && (quietMs === undefined || due === timerDue)) return;
    cancelTimer?.();
    const tick = (): void => {
      cancelTimer = undefined;
      timerDue = Number.POSITIVE_INFINITY;
      if (quietMs !== undefined && !draining()) {
        // What is pending now is drained; what comes meanwhile counts from now for delayMs.
        const now = performance.now();
        drain = { from: compactedPoints, target: pendingPoints };
        firstPendingAt = now;
        lullSince = lull ? now : Number.POSITIVE_INFINITY;
      }
      running = pass(maxId)
        .then(
          (rows) => {
            if (rows === 0) drain = undefined;
          },
          // A failed compaction (another process holding the write lock past busy_timeout) leaves
          // the rows in the log: the next tick, or the next read, tries again.
          () => {
            drain = undefined;
            notBefore = performance.now() + delayMs;
          },
        )
        .finally(() => {
          running = undefined;
          schedule();
        });
    };
    timerDue = due;
    if (due <= now) {
      const immediate = setImmediate(tick);
      cancelTimer = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(tick, due - now).unref();
      cancelTimer = () => clearTimeout(timeout);
    }
  };

  const flush = async (): Promise<void> => {
    const top = await first(db, 'SELECT MAX(id) AS id FROM metric_log');
    if (top?.id === null || top?.id === undefined) return;
    const upTo = Number(top.id);
    while ((await pass(upTo)) > 0);
  };

  return {
    append: appendToMetricLog,
    prepare() {
      // Nothing to ready: this log compacts on the connection it was given.
    },
    appended(points) {
      const now = performance.now();
      if (pendingPoints === 0) firstPendingAt ??= now;
      lastAppendAt = now;
      pendingPoints += points;
      schedule();
    },
    async admit() {
      // A pass under way frees room transaction by transaction: wait for the next one, not for all of it.
      while (pendingPoints >= maxPendingPoints && !closed) {
        if (passesInFlight > 0) await new Promise<void>((resolve) => waiters.push(resolve));
        else await pass(maxId);
      }
    },
    flush,
    async close() {
      if (closed) return;
      closed = true;
      cancelTimer?.();
      cancelTimer = undefined;
      timerDue = Number.POSITIVE_INFINITY;
      await running;
      await flush();
    },
    get pendingPoints() {
      return pendingPoints;
    },
  };
}
