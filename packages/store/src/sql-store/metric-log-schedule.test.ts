import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteDriver } from '../drivers/sqlite-driver.ts';
import { createSqlStore } from './create-sql-store.ts';
import { beforeLogDelete, logMetrics, onTransaction, metric, newFile, pendingPoints, removeFiles, seedRun, waiting } from './metric-log-fixture.ts';
import { createMetricLog, type MetricLogOptions } from './metric-log.ts';

afterAll(removeFiles);

/** A store whose log counts its passes (each deletes the rows it compacted) and transactions. */
async function counted(metricLog: MetricLogOptions) {
  const plain = createSqliteDriver({ filename: newFile() });
  const counts = { passes: 0, transactions: 0 };
  const deletes = beforeLogDelete(plain, () => {
    counts.passes += 1;
  });
  const driver = onTransaction(deletes, () => {
    counts.transactions += 1;
  });
  const store = await createSqlStore(driver, { metricLog });
  const seeded = await seedRun(store, 'q');
  const log = (batch: number, points = 10) => logMetrics({ store, driver: plain, ...seeded }, Array.from({ length: points }, (_unused, offset) => metric('loss', offset, batch * points + offset)));
  return { store, plain, counts, seeded, log };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('metric log: compaction after a burst (quietMs)', () => {
  it('leaves a burst in the log while appends keep coming, and compacts it once they stop', async () => {
    const f = await counted({ quietMs: 400, delayMs: 60_000, eagerPoints: Number.MAX_SAFE_INTEGER });
    try {
      for (let batch = 0; batch < 20; batch += 1) await f.log(batch);
      // 20 appends back to back: no lull of 400 ms yet, so nothing was compacted.
      expect(await pendingPoints(f.plain)).toBe(200);
      expect(f.counts.passes).toBe(0);
      await expect.poll(() => pendingPoints(f.plain), { timeout: 5_000 }).toBe(0);
      const history = await f.store.getMetricHistory(f.seeded.projectId, f.seeded.runId, 'loss', { maxResults: 1000, pageToken: undefined });
      expect(history.items.map((point) => point.step)).toEqual(Array.from({ length: 200 }, (_unused, step) => step));
    } finally {
      await f.store.close();
    }
  });

  it('compacts delayMs after the first pending batch even when appends never pause', async () => {
    const f = await counted({ quietMs: 60_000, delayMs: 100, eagerPoints: Number.MAX_SAFE_INTEGER });
    try {
      const started = performance.now();
      let batch = 0;
      // Appends every 10 ms for 600 ms: never a lull of 60 s, so only delayMs can start a pass.
      while (performance.now() - started < 600) {
        await f.log(batch);
        batch += 1;
        await sleep(10);
      }
      expect(f.counts.passes).toBeGreaterThan(0);
      expect(await pendingPoints(f.plain)).toBeLessThan(batch * 10);
    } finally {
      await f.store.close();
    }
  });

  it('writes a chunk in transactions of whole keys while appends come, and in one transaction in a lull', async () => {
    // Keys a, b and c, 10 points each over two batches: groups of at most 10 points are [a], [b], [c].
    const batch = (step: number) => ['a', 'b', 'c'].flatMap((key) => Array.from({ length: 5 }, (_unused, offset) => metric(key, offset, step * 5 + offset)));
    // A read right after the appends (well within quietMs): one transaction per group.
    const busy = await counted({ quietMs: 60_000, delayMs: 60_000, eagerPoints: Number.MAX_SAFE_INTEGER, keyGroupPoints: 10 });
    // The background pass after a lull of 30 ms: one transaction for the run's chunk.
    const lull = await counted({ quietMs: 30, delayMs: 60_000, eagerPoints: Number.MAX_SAFE_INTEGER, keyGroupPoints: 10 });
    try {
      for (const f of [busy, lull]) {
        for (const step of [0, 1]) await logMetrics({ store: f.store, driver: f.plain, ...f.seeded }, batch(step));
      }
      const before = { busy: busy.counts.transactions, lull: lull.counts.transactions };
      await busy.store.settle();
      expect(busy.counts.transactions - before.busy).toBe(3);
      await expect.poll(() => pendingPoints(lull.plain), { timeout: 5_000 }).toBe(0);
      expect(lull.counts.transactions - before.lull).toBe(1);
      for (const f of [busy, lull]) {
        for (const key of ['a', 'b', 'c']) {
          const history = await f.store.getMetricHistory(f.seeded.projectId, f.seeded.runId, key, { maxResults: 100, pageToken: undefined });
          expect(history.items.map((point) => point.step)).toEqual(Array.from({ length: 10 }, (_unused, step) => step));
        }
      }
    } finally {
      await busy.store.close();
      await lull.store.close();
    }
  });

  it('commits a lull\'s transaction after the group it is writing when a foreground writer waits, and goes on in another', async () => {
    // Keys a, b, c and d, 10 points each: with groups of at most 10 points, a lull writes [a] [b] [c] [d].
    const points = ['a', 'b', 'c', 'd'].flatMap((key) => Array.from({ length: 10 }, (_unused, step) => metric(key, step, step)));
    // The store logs without compacting; a second log on the same file compacts what it finds, with hooks.
    const f = await counted(waiting);
    try {
      await logMetrics({ store: f.store, driver: f.plain, ...f.seeded }, points);
      const calls: string[] = [];
      let transactions = 0;
      const driver = onTransaction(f.plain, () => {
        transactions += 1;
      });
      // The foreground writer waits once: when asked after the second group.
      let asked = 0;
      const log = createMetricLog(driver, { quietMs: 20, delayMs: 60_000, eagerPoints: Number.MAX_SAFE_INTEGER, keyGroupPoints: 10 }, {
        beforeTransaction: () => calls.push('yield'),
        contended: () => {
          asked += 1;
          calls.push(`asked ${asked}`);
          return asked === 2;
        },
      });
      log.appended(points.length);
      await expect.poll(() => pendingPoints(f.plain), { timeout: 5_000 }).toBe(0);
      await log.close();
      // [a] [b] in one transaction, then it yields; [c] [d] in the next one.
      expect(transactions).toBe(2);
      expect(calls).toEqual(['yield', 'asked 1', 'asked 2', 'yield', 'asked 3']);
      for (const key of ['a', 'b', 'c', 'd']) {
        const history = await f.store.getMetricHistory(f.seeded.projectId, f.seeded.runId, key, { maxResults: 100, pageToken: undefined });
        expect(history.items.map((point) => point.step)).toEqual(Array.from({ length: 10 }, (_unused, step) => step));
      }
    } finally {
      await f.store.close();
    }
  });

  it('starts at once when the backlog reaches eagerPoints, and drains it in back-to-back passes of passPoints', async () => {
    const f = await counted({ quietMs: 60_000, delayMs: 60_000, eagerPoints: 50, passPoints: 10 });
    try {
      for (let batch = 0; batch < 4; batch += 1) await f.log(batch);
      expect(await pendingPoints(f.plain)).toBe(40);
      expect(f.counts.passes).toBe(0);
      await f.log(4);
      // The fifth batch reached 50 points: the drain goes on after the backlog is under the bound
      // again, pass after pass of one 10-point row, until the log is empty.
      await expect.poll(() => pendingPoints(f.plain), { timeout: 5_000 }).toBe(0);
      expect(f.counts.passes).toBeGreaterThanOrEqual(5);
      const history = await f.store.getMetricHistory(f.seeded.projectId, f.seeded.runId, 'loss', { maxResults: 1000, pageToken: undefined });
      expect(history.items).toHaveLength(50);
    } finally {
      await f.store.close();
    }
  });
});
