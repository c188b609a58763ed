import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteDriver } from '../drivers/sqlite-driver.ts';
import { createSqlStore } from './create-sql-store.ts';
import { beforeLogDelete, type Fixture, fixture, logMetrics, metric, newFile, onTransaction, open, pendingPoints, removeFiles, rollupCount, seedRun, waiting } from './metric-log-fixture.ts';

afterAll(removeFiles);

describe('metric write log (SQLite)', () => {
  it('settle() drains the log without a read, so a row count afterwards sees only what comes next', async () => {
    const f = await fixture();
    try {
      await logMetrics(f, [metric('loss', 3, 0), metric('acc', 0.5, 0)]);
      expect(await pendingPoints(f.driver)).toBe(2);
      await f.store.settle();
      expect(await pendingPoints(f.driver)).toBe(0);
      const rows = await f.driver.all('SELECT SUM(point_count) AS n FROM metric_blocks');
      expect(Number(rows[0]?.n)).toBe(2);
    } finally {
      await f.store.close();
    }
  });

  it('appends a batch as one log row, and every kind of read drains it first', async () => {
    const f = await fixture();
    try {
      await logMetrics(f, [metric('loss', 3, 0), metric('loss', 2, 1), metric('acc', 0.5, 1)]);
      await logMetrics(f, [metric('loss', 1, 2), metric('acc', 0.75, 2)]);
      expect(await pendingPoints(f.driver)).toBe(5);
      expect(await rollupCount(f.driver, 'loss', 1)).toBe(0);

      const history = await f.store.getMetricHistory(f.projectId, f.runId, 'loss', { maxResults: 100, pageToken: undefined });
      expect(history.items).toEqual([metric('loss', 3, 0), metric('loss', 2, 1), metric('loss', 1, 2)]);
      expect(await pendingPoints(f.driver)).toBe(0);
      expect(await rollupCount(f.driver, 'loss', 1)).toBe(3);
      expect(await rollupCount(f.driver, 'acc', 5)).toBe(2);

      await logMetrics(f, [metric('acc', 0.9, 3)]);
      const run = await f.store.getRun(f.projectId, f.runId);
      expect(run?.data.metrics.find((latest) => latest.key === 'acc')).toEqual(metric('acc', 0.9, 3));

      await logMetrics(f, [metric('acc', 0.95, 4)]);
      const search = await f.store.searchRuns(f.projectId, {
        experimentIds: [f.experimentId], filter: [{ entity: 'metric', key: 'acc', operator: '>', value: 0.92 }], viewType: 'ACTIVE_ONLY', orderBy: [], maxResults: 10, pageToken: undefined,
      });
      expect(search.items.map((found) => found.info.runId)).toEqual([f.runId]);

      await logMetrics(f, [metric('acc', -1, 5)]);
      expect(await f.store.getDownsampledMetric(f.projectId, f.runId, 'acc', 100)).toContainEqual(metric('acc', -1, 5));
    } finally {
      await f.store.close();
    }
  });

  it('stores and counts once a point that two pending batches both hold, and keeps MLflow\'s latest', async () => {
    const f = await fixture();
    try {
      await logMetrics(f, [metric('loss', 0.5, 7, 70), metric('loss', 0.25, 3)]);
      await logMetrics(f, [metric('loss', 0.5, 7, 70), metric('loss', 0.1, 7, 60)]);
      expect(await pendingPoints(f.driver)).toBe(4);
      const history = await f.store.getMetricHistory(f.projectId, f.runId, 'loss', { maxResults: 100, pageToken: undefined });
      expect(history.items).toEqual([metric('loss', 0.25, 3), metric('loss', 0.1, 7, 60), metric('loss', 0.5, 7, 70)]);
      for (const level of [1, 2, 3, 4, 5]) expect(await rollupCount(f.driver, 'loss', level)).toBe(3);
      // Highest step, then latest timestamp: (7, 70), whichever batch held it.
      expect((await f.store.getRun(f.projectId, f.runId))?.data.metrics).toEqual([metric('loss', 0.5, 7, 70)]);
    } finally {
      await f.store.close();
    }
  });

  it('keeps NaN, the infinities and exact doubles through the log', async () => {
    const f = await fixture();
    try {
      const values = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.1 + 0.2, Number.MAX_VALUE, Number.MIN_VALUE, -1e-300];
      await logMetrics(f, values.map((value, step) => metric('odd', value, step)));
      const history = await f.store.getMetricHistory(f.projectId, f.runId, 'odd', { maxResults: 100, pageToken: undefined });
      expect(history.items.map((point) => point.value)).toEqual(values);
      expect(history.items.map((point) => point.step)).toEqual(values.map((_value, step) => step));
    } finally {
      await f.store.close();
    }
  });

  it('drains a backlog of more rows than one query of a pass reads, in order, keeping -0', async () => {
    const f = await fixture({ ...waiting, maxPendingPoints: 100_000 });
    const other = await f.store.createRun(f.projectId, { runId: 'f'.repeat(32), experimentId: f.experimentId, runName: 'o', userId: 'u', startTime: 1, tags: [], artifactUri: () => 'file:///a/o' });
    try {
      // 700 one-point batches, alternating between two runs: more than the 256 rows a pass reads per query.
      for (let step = 0; step < 350; step += 1) {
        await logMetrics(f, [metric('loss', step, step)]);
        await logMetrics(f, [metric('loss', -step, step)], other.info.runId);
      }
      expect(await pendingPoints(f.driver)).toBe(700);
      await f.store.settle();
      expect(await pendingPoints(f.driver)).toBe(0);
      for (const [runId, sign] of [[f.runId, 1], [other.info.runId, -1]] as const) {
        const history = await f.store.getMetricHistory(f.projectId, runId, 'loss', { maxResults: 1000, pageToken: undefined });
        expect(history.items.map((point) => point.value)).toEqual(Array.from({ length: 350 }, (_unused, step) => sign * step));
        expect(history.items.map((point) => point.step)).toEqual(Array.from({ length: 350 }, (_unused, step) => step));
      }
      expect(await rollupCount(f.driver, 'loss', 1)).toBe(700);
    } finally {
      await f.store.close();
    }
  });

  it('with keyGroupPoints, writes a run\'s chunk in one transaction per group of whole keys, and stores the same', async () => {
    for (const keyGroupPoints of [undefined, 4]) {
      const plain = createSqliteDriver({ filename: newFile() });
      let transactions = 0;
      const driver = onTransaction(plain, () => {
        transactions += 1;
      });
      const store = await createSqlStore(driver, { metricLog: { ...waiting, ...(keyGroupPoints === undefined ? {} : { keyGroupPoints }) } });
      const f: Fixture = { store, driver, ...(await seedRun(store, 'k')) };
      try {
        // Keys a (3 points), b (2) and c (2), over two batches: groups of at most 4 are [a] and [b, c].
        await logMetrics(f, [metric('a', 1, 0), metric('b', 1, 0), metric('a', 2, 1), metric('c', 1, 0)]);
        await logMetrics(f, [metric('a', 3, 2), metric('b', 2, 1), metric('c', 2, 1)]);
        const before = transactions;
        await f.store.settle();
        expect(transactions - before, `keyGroupPoints ${String(keyGroupPoints)}`).toBe(keyGroupPoints === undefined ? 1 : 2);
        for (const [key, steps] of [['a', [0, 1, 2]], ['b', [0, 1]], ['c', [0, 1]]] as const) {
          const history = await f.store.getMetricHistory(f.projectId, f.runId, key, { maxResults: 100, pageToken: undefined });
          expect(history.items.map((point) => point.step)).toEqual(steps);
          expect(await rollupCount(plain, key, 1)).toBe(steps.length);
        }
        expect((await f.store.getRun(f.projectId, f.runId))?.data.metrics).toEqual([metric('a', 3, 2), metric('b', 2, 1), metric('c', 2, 1)]);
      } finally {
        await store.close();
      }
    }
  });

  it('bounds a pass by eagerPoints: a backlog drains in passes of about that many points, each deleting its own rows', async () => {
    const filename = newFile();
    const first = await open(filename);
    const seeded = await seedRun(first.store, 'g');
    for (let batch = 0; batch < 30; batch += 1) {
      await first.store.logBatch(seeded.projectId, seeded.runId, { metrics: Array.from({ length: 10 }, (_unused, offset) => metric('loss', batch, batch * 10 + offset)), params: [], tags: [] });
    }
    // Closing the driver alone leaves the 300 points in the log, as a crash would.
    await first.driver.close();

    const plain = createSqliteDriver({ filename });
    let deletes = 0;
    const driver = beforeLogDelete(plain, () => {
      deletes += 1;
    });
    // The startup drain: passes of at most about 30 points (three 10-point rows).
    const store = await createSqlStore(driver, { metricLog: { delayMs: 3_600_000, eagerPoints: 30 } });
    try {
      expect(deletes).toBeGreaterThanOrEqual(10);
      expect(await pendingPoints(plain)).toBe(0);
      const history = await store.getMetricHistory(seeded.projectId, seeded.runId, 'loss', { maxResults: 1000, pageToken: undefined });
      expect(history.items.map((point) => point.step)).toEqual(Array.from({ length: 300 }, (_unused, step) => step));
    } finally {
      await store.close();
    }
  });

  it('drains at close', async () => {
    const filename = newFile();
    const { store, driver } = await open(filename);
    const seeded = await seedRun(store, 'c');
    await store.logBatch(seeded.projectId, seeded.runId, { metrics: [metric('loss', 1, 1)], params: [], tags: [] });
    expect(await pendingPoints(driver)).toBe(1);
    await store.close();
    const reopened = createSqliteDriver({ filename });
    try {
      expect(await reopened.all('SELECT COUNT(*) AS n FROM metric_log')).toEqual([{ n: 0 }]);
      expect(await reopened.all('SELECT SUM(point_count) AS n FROM metric_blocks')).toEqual([{ n: 1 }]);
    } finally {
      await reopened.close();
    }
  });

  it('makes appends wait for compaction once the backlog reaches its bound', async () => {
    const f = await fixture({ ...waiting, maxPendingPoints: 25 });
    try {
      const backlog: number[] = [];
      for (let batch = 0; batch < 6; batch += 1) {
        await logMetrics(f, Array.from({ length: 10 }, (_unused, offset) => metric('loss', offset, batch * 10 + offset)));
        backlog.push(await pendingPoints(f.driver));
      }
      // 10, 20, 30 (20 was under the bound), then the fourth append compacted the 30 first.
      expect(backlog).toEqual([10, 20, 30, 10, 20, 30]);
      const history = await f.store.getMetricHistory(f.projectId, f.runId, 'loss', { maxResults: 100, pageToken: undefined });
      expect(history.items).toHaveLength(60);
    } finally {
      await f.store.close();
    }
  });

  it('compacts in the background on its own', async () => {
    const f = await fixture({ delayMs: 1 });
    try {
      await logMetrics(f, [metric('loss', 1, 1)]);
      await expect.poll(() => pendingPoints(f.driver)).toBe(0);
      expect(await rollupCount(f.driver, 'loss', 1)).toBe(1);
    } finally {
      await f.store.close();
    }
  });

  it('fails only the batch whose param changed when batches commit together, and writes none of its metrics', async () => {
    const f = await fixture();
    try {
      await f.store.logBatch(f.projectId, f.runId, { metrics: [], params: [{ key: 'lr', value: '0.1' }], tags: [] });
      // Started in the same turn of the event loop, the three commit as one group.
      const results = await Promise.allSettled([
        f.store.logBatch(f.projectId, f.runId, { metrics: [metric('a', 1, 1)], params: [], tags: [{ key: 't', value: 'one' }] }),
        f.store.logBatch(f.projectId, f.runId, { metrics: [metric('b', 2, 1)], params: [{ key: 'lr', value: '0.2' }], tags: [{ key: 'bad', value: 'x' }] }),
        f.store.logBatch(f.projectId, f.runId, { metrics: [metric('c', 3, 1)], params: [{ key: 'wd', value: '0' }], tags: [] }),
      ]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(results[1]?.status === 'rejected' ? String(results[1].reason) : '').toContain('Changing param values is not allowed');
      const run = await f.store.getRun(f.projectId, f.runId);
      expect(run?.data.metrics.map((latest) => latest.key).sort()).toEqual(['a', 'c']);
      expect(run?.data.params).toEqual([{ key: 'lr', value: '0.1' }, { key: 'wd', value: '0' }]);
      expect(run?.data.tags.some((tag) => tag.key === 'bad')).toBe(false);
    } finally {
      await f.store.close();
    }
  });
});
