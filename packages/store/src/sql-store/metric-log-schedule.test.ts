import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteDriver } from '../drivers/sqlite-driver.ts';
import { createSqlStore } from './create-sql-store.ts';
import { beforeLogDelete, logMetrics, metric, newFile, pendingPoints, removeFiles, seedRun } from './metric-log-fixture.ts';
import type { MetricLogOptions } from './metric-log.ts';

afterAll(removeFiles);

/** A store whose log counts its passes (each deletes the rows it compacted). */
async function counted(metricLog: MetricLogOptions) {
  const plain = createSqliteDriver({ filename: newFile() });
  const counts = { passes: 0 };
  const store = await createSqlStore(
    beforeLogDelete(plain, () => {
      counts.passes += 1;
    }),
    { metricLog },
  );
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
