import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KeelStore, Metric } from '@keel/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteDriver } from '../drivers/sqlite-driver.ts';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { createSqlStore } from './create-sql-store.ts';
import type { MetricLogOptions } from './metric-log.ts';

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function newFile(): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'keel-metric-log-'));
  directories.push(directory);
  return path.join(directory, 'keel.db');
}

/** The background compaction never fires on its own: whatever a test logs stays in the log until something drains it. */
const waiting: MetricLogOptions = { delayMs: 3_600_000, eagerPoints: Number.MAX_SAFE_INTEGER };

interface Fixture {
  store: KeelStore;
  driver: SqlDriver;
  projectId: number;
  experimentId: string;
  runId: string;
}

async function open(filename: string, metricLog: MetricLogOptions = waiting): Promise<{ store: KeelStore; driver: SqlDriver }> {
  const driver = createSqliteDriver({ filename });
  return { store: await createSqlStore(driver, { metricLog }), driver };
}

/** Project `p`, an experiment and a run whose id is `letter` 32 times. */
async function seedRun(store: KeelStore, letter: string): Promise<{ projectId: number; experimentId: string; runId: string }> {
  const project = await store.createProject('p', 1);
  const experimentId = await store.createExperiment(project.id, { name: 'e', artifactLocation: 'file:///a', tags: [], now: 1 });
  const run = await store.createRun(project.id, { runId: letter.repeat(32), experimentId, runName: 'r', userId: 'u', startTime: 1, tags: [], artifactUri: () => 'file:///a/r' });
  return { projectId: project.id, experimentId, runId: run.info.runId };
}

async function fixture(metricLog: MetricLogOptions = waiting): Promise<Fixture> {
  const { store, driver } = await open(newFile(), metricLog);
  return { store, driver, ...(await seedRun(store, 'a')) };
}

const metric = (key: string, value: number, step: number, timestamp = 100 + step): Metric => ({ key, value, step, timestamp });
const logMetrics = (f: Fixture, metrics: Metric[], runId = f.runId) => f.store.logBatch(f.projectId, runId, { metrics, params: [], tags: [] });

/** Read straight from the driver, which the log does not drain. */
async function pendingPoints(driver: SqlDriver): Promise<number> {
  const rows = await driver.all('SELECT COALESCE(SUM(points), 0) AS points FROM metric_log');
  return Number(rows[0]?.points);
}

/** `plain`, with `hook` awaited before each delete of the log's rows: it can count them, hold them, or fail them by throwing. */
function beforeLogDelete(plain: SqlDriver, hook: () => void | Promise<void>): SqlDriver {
  return {
    ...plain,
    run: async (sql, params) => {
      if (sql.startsWith('DELETE FROM metric_log')) await hook();
      return plain.run(sql, params);
    },
  };
}

async function rollupCount(driver: SqlDriver, key: string, level: number): Promise<number> {
  const rows = await driver.all('SELECT COALESCE(SUM(point_count), 0) AS points FROM metric_rollups WHERE key = ? AND level = ?', [key, level]);
  return Number(rows[0]?.points);
}

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
      const driver: SqlDriver = {
        ...plain,
        transaction: (work) => {
          transactions += 1;
          return plain.transaction(work);
        },
      };
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

async function databaseFile(driver: SqlDriver): Promise<string> {
  const rows = await driver.all<{ file: string }>("SELECT file FROM pragma_database_list WHERE name = 'main'");
  return String(rows[0]?.file);
}
