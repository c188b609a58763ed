import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteDriver } from '../drivers/sqlite-driver.ts';
import { createSqlStore } from './create-sql-store.ts';
import { beforeLogDelete, databaseFile, fixture, logMetrics, metric, newFile, open, pendingPoints, removeFiles, rollupCount, seedRun, waiting } from './metric-log-fixture.ts';

afterAll(removeFiles);

describe('metric write log (SQLite): stopped processes and other processes', () => {
  it('loses nothing when the process stops between the append and the compaction', async () => {
    const filename = newFile();
    // Closing the driver alone, without the store's drain, leaves the file as a crash would.
    const first = await open(filename);
    const seeded = await seedRun(first.store, 'b');
    await first.store.logBatch(seeded.projectId, seeded.runId, { metrics: [metric('loss', 1, 1), metric('loss', 2, 2)], params: [], tags: [] });
    await first.store.logBatch(seeded.projectId, seeded.runId, { metrics: [metric('loss', 3, 3)], params: [], tags: [] });
    expect(await pendingPoints(first.driver)).toBe(3);
    await first.driver.close();

    const second = await open(filename);
    try {
      // Draining at startup: the log is empty before anything is read.
      expect(await pendingPoints(second.driver)).toBe(0);
      const history = await second.store.getMetricHistory(seeded.projectId, seeded.runId, 'loss', { maxResults: 100, pageToken: undefined });
      expect(history.items.map((point) => point.value)).toEqual([1, 2, 3]);
      expect(await rollupCount(second.driver, 'loss', 1)).toBe(3);
    } finally {
      await second.store.close();
    }
  });

  it('writes a pass again, counting nothing twice, when the process stops after writing its points and before deleting its rows', async () => {
    const filename = newFile();
    const plain = createSqliteDriver({ filename });
    let failDelete = true;
    // The pass deletes its rows in one statement after the runs' transactions: failing it leaves the file as a crash there would.
    const driver = beforeLogDelete(plain, () => {
      if (failDelete) throw new Error('stopped before the delete');
    });
    const store = await createSqlStore(driver, { metricLog: waiting });
    try {
      const seeded = await seedRun(store, 'd');
      const other = await store.createRun(seeded.projectId, { runId: 'e'.repeat(32), experimentId: seeded.experimentId, runName: 'e', userId: 'u', startTime: 1, tags: [], artifactUri: () => 'file:///a/e' });
      const [first, second] = [seeded.runId, other.info.runId];
      await store.logBatch(seeded.projectId, first, { metrics: [metric('loss', 1, 1), metric('loss', 2, 2)], params: [], tags: [] });
      await store.logBatch(seeded.projectId, second, { metrics: [metric('loss', 9, 1)], params: [], tags: [] });
      await store.logBatch(seeded.projectId, first, { metrics: [metric('loss', 2, 2), metric('loss', 3, 3)], params: [], tags: [] });
      await expect(store.settle()).rejects.toThrow('stopped before the delete');
      // Both runs' points are written, and every row is still in the log.
      expect(await pendingPoints(plain)).toBe(5);
      expect(await plain.all('SELECT SUM(point_count) AS n FROM metric_blocks')).toEqual([{ n: 4 }]);

      failDelete = false;
      await store.settle();
      expect(await pendingPoints(plain)).toBe(0);
      const history = await store.getMetricHistory(seeded.projectId, first, 'loss', { maxResults: 100, pageToken: undefined });
      expect(history.items.map((point) => point.value)).toEqual([1, 2, 3]);
      expect(await plain.all('SELECT SUM(point_count) AS n FROM metric_blocks')).toEqual([{ n: 4 }]);
      for (const level of [1, 2, 3, 4, 5]) expect(await rollupCount(plain, 'loss', level)).toBe(4);
      expect((await store.getRun(seeded.projectId, first))?.data.metrics).toEqual([metric('loss', 3, 3)]);
      expect((await store.getRun(seeded.projectId, second))?.data.metrics).toEqual([metric('loss', 9, 1)]);
    } finally {
      await store.close();
    }
  });

  it('never deletes a batch appended after another process emptied the log while this one was between its writes and its delete', async () => {
    const filename = newFile();
    const plain = createSqliteDriver({ filename });
    let releaseDelete: () => void = () => undefined;
    const deleteGate = new Promise<void>((resolve) => (releaseDelete = resolve));
    let reachedDelete: () => void = () => undefined;
    const atDelete = new Promise<void>((resolve) => (reachedDelete = resolve));
    // Process A's pass stops at its delete until told to go on.
    const driver = beforeLogDelete(plain, async () => {
      reachedDelete();
      await deleteGate;
    });
    const a = await createSqlStore(driver, { metricLog: waiting });
    const b = await open(filename);
    try {
      const seeded = await seedRun(a, 'h');
      for (const step of [1, 2, 3]) await a.logBatch(seeded.projectId, seeded.runId, { metrics: [metric('loss', step, step)], params: [], tags: [] });
      const passOfA = a.settle();
      await atDelete;
      // B drains the same rows (writing them again changes nothing) and empties the log; then a new batch arrives.
      await b.store.settle();
      expect(await pendingPoints(plain)).toBe(0);
      await b.store.logBatch(seeded.projectId, seeded.runId, { metrics: [metric('loss', 4, 4)], params: [], tags: [] });
      releaseDelete();
      await passOfA;
      // A deleted only the rows it had read: the new batch is still there, and nothing is lost.
      expect(await pendingPoints(plain)).toBe(1);
      const history = await b.store.getMetricHistory(seeded.projectId, seeded.runId, 'loss', { maxResults: 10, pageToken: undefined });
      expect(history.items.map((point) => point.value)).toEqual([1, 2, 3, 4]);
    } finally {
      releaseDelete();
      await b.store.close();
      await a.close();
    }
  });


  it('is drained by a store of another process on the same file', async () => {
    const f = await fixture();
    const other = await open(await databaseFile(f.driver));
    try {
      await logMetrics(f, [metric('loss', 4, 1)]);
      expect(await pendingPoints(f.driver)).toBe(1);
      const history = await other.store.getMetricHistory(f.projectId, f.runId, 'loss', { maxResults: 10, pageToken: undefined });
      expect(history.items).toEqual([metric('loss', 4, 1)]);
      expect(await pendingPoints(f.driver)).toBe(0);
    } finally {
      await other.store.close();
      await f.store.close();
    }
  });

});
