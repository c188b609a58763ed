import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { KeelStore, Metric } from '@keel/spec';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSqliteDriver } from '../drivers/sqlite-driver.ts';
import type { SqlDriver, SqlExecutor } from '../drivers/sql-driver.ts';
import { writerPriority } from '../drivers/writer-priority.ts';
import { createSqlStore } from './create-sql-store.ts';
import type { MetricLogOptions } from './metric-log.ts';

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function newFile(): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'keel-metric-compactor-'));
  directories.push(directory);
  return path.join(directory, 'keel.db');
}

/** No compaction on a timer: what a test logs stays in the log until a read, a close or the backlog bound drains it. */
const waiting: MetricLogOptions = { delayMs: 3_600_000, eagerPoints: Number.MAX_SAFE_INTEGER };

/** The statements run on the event loop's connection, inside transactions and outside them. */
function recording(plain: SqlDriver, statements: string[]): SqlDriver {
  const wrap = (executor: SqlExecutor): SqlExecutor => ({
    dialect: executor.dialect,
    all: (sql, params) => {
      statements.push(sql);
      return executor.all(sql, params);
    },
    run: (sql, params) => {
      statements.push(sql);
      return executor.run(sql, params);
    },
  });
  return { ...plain, ...wrap(plain), transaction: (work) => plain.transaction((tx) => work(wrap(tx))) };
}

interface Fixture {
  store: KeelStore;
  driver: SqlDriver;
  /** The thread, once started (by the first metrics logged). */
  workers: Worker[];
  statements: string[];
  projectId: number;
  runId: string;
}

const warnings: string[] = [];
const onWarning = (warning: Error): void => void warnings.push(warning.message);
process.on('warning', onWarning);
afterAll(() => void process.off('warning', onWarning));
afterEach(() => void warnings.splice(0));

async function open(filename: string, metricLog: MetricLogOptions = waiting): Promise<Omit<Fixture, 'projectId' | 'runId'>> {
  const priority = writerPriority();
  const statements: string[] = [];
  const driver = createSqliteDriver({ filename, priority });
  const workers: Worker[] = [];
  const store = await createSqlStore(recording(driver, statements), {
    metricLog,
    metricCompactor: { filename, priority, onWorker: (started) => void workers.push(started) },
  });
  return { store, driver, workers, statements };
}

async function fixture(metricLog: MetricLogOptions = waiting, filename = newFile()): Promise<Fixture> {
  const opened = await open(filename, metricLog);
  const project = await opened.store.createProject('p', 1);
  const experimentId = await opened.store.createExperiment(project.id, { name: 'e', artifactLocation: 'file:///a', tags: [], now: 1 });
  const run = await opened.store.createRun(project.id, { runId: 'a'.repeat(32), experimentId, runName: 'r', userId: 'u', startTime: 1, tags: [], artifactUri: () => 'file:///a/r' });
  return { ...opened, projectId: project.id, runId: run.info.runId };
}

const metric = (key: string, value: number, step: number): Metric => ({ key, value, step, timestamp: 100 + step });
const logMetrics = (f: Fixture, metrics: Metric[]) => f.store.logBatch(f.projectId, f.runId, { metrics, params: [], tags: [] });
const history = async (f: Fixture, key: string) => (await f.store.getMetricHistory(f.projectId, f.runId, key, { maxResults: 1000, pageToken: undefined })).items;

async function pendingPoints(driver: SqlDriver): Promise<number> {
  const rows = await driver.all('SELECT COALESCE(SUM(points), 0) AS points FROM metric_log');
  return Number(rows[0]?.points);
}

const writesToMetrics = (statements: readonly string[]): string[] => statements.filter((sql) => /^(INSERT|UPDATE|DELETE)\b[^;]*\b(metric_blocks|metric_rollups|latest_metrics)\b/s.test(sql.trim()) || sql.startsWith('DELETE FROM metric_log'));

describe('metric compactor thread (SQLite)', () => {
  it('starts with the first run created, not before: a store that tracks no runs keeps no thread', async () => {
    const opened = await open(newFile());
    try {
      const project = await opened.store.createProject('p', 1);
      const experimentId = await opened.store.createExperiment(project.id, { name: 'e', artifactLocation: 'file:///a', tags: [], now: 1 });
      expect(opened.workers).toHaveLength(0);
      const run = await opened.store.createRun(project.id, { runId: 'b'.repeat(32), experimentId, runName: 'r', userId: 'u', startTime: 1, tags: [], artifactUri: () => 'file:///a/r' });
      expect(run.info.runId).toBe('b'.repeat(32));
      expect(opened.workers).toHaveLength(1);
      // A second run does not start another.
      await opened.store.createRun(project.id, { runId: 'c'.repeat(32), experimentId, runName: 'r2', userId: 'u', startTime: 1, tags: [], artifactUri: () => 'file:///a/r2' });
      expect(opened.workers).toHaveLength(1);
    } finally {
      await opened.store.close();
    }
  });

  it('compacts in its own thread: reads drain the log through it, and the event loop writes no block, rollup or latest value', async () => {
    const f = await fixture();
    try {
      // Creating the run started the thread (below); reads of an empty log need no round trip to it.
      expect(await history(f, 'loss')).toEqual([]);
      expect(f.workers).toHaveLength(1);
      await logMetrics(f, [metric('loss', 3, 0), metric('loss', 2, 1), metric('acc', 0.5, 1)]);
      await logMetrics(f, [metric('loss', 1, 2), metric('acc', 0.75, 2)]);
      expect(await pendingPoints(f.driver)).toBe(5);
      expect(await history(f, 'loss')).toEqual([metric('loss', 3, 0), metric('loss', 2, 1), metric('loss', 1, 2)]);
      expect(await pendingPoints(f.driver)).toBe(0);
      expect((await f.store.getRun(f.projectId, f.runId))?.data.metrics).toEqual([metric('acc', 0.75, 2), metric('loss', 1, 2)]);
      expect(await f.store.getDownsampledMetric(f.projectId, f.runId, 'acc', 10)).toEqual([metric('acc', 0.5, 1), metric('acc', 0.75, 2)]);
      // The appends went through this connection; everything compaction writes went through the thread's.
      expect(f.statements.some((sql) => sql.startsWith('INSERT INTO metric_log'))).toBe(true);
      expect(writesToMetrics(f.statements)).toEqual([]);
      expect(f.workers).toHaveLength(1);
      expect(warnings).toEqual([]);
    } finally {
      await f.store.close();
    }
  });

  it('holds appends back while the backlog is over its bound, and the thread compacts it without a read', async () => {
    const f = await fixture({ ...waiting, maxPendingPoints: 5 });
    try {
      for (let batch = 0; batch < 4; batch += 1) await logMetrics(f, [0, 1, 2].map((offset) => metric('loss', batch, batch * 3 + offset)));
      // Nothing has read: the thread wrote points because the backlog reached its bound (the third
      // batch waited for that; the log's rows go once its pass ends).
      const written = await f.driver.all('SELECT COALESCE(SUM(point_count), 0) AS n FROM metric_blocks');
      expect(Number(written[0]?.n)).toBeGreaterThanOrEqual(6);
      expect((await history(f, 'loss')).map((point) => point.step)).toEqual(Array.from({ length: 12 }, (_unused, step) => step));
      expect(writesToMetrics(f.statements)).toEqual([]);
    } finally {
      await f.store.close();
    }
  });

  it('leaves the event loop to compact when the thread stops, losing nothing it had not compacted', async () => {
    const f = await fixture();
    try {
      await logMetrics(f, [metric('loss', 1, 1), metric('loss', 2, 2)]);
      await expect.poll(() => f.workers.length).toBe(1);
      await f.workers[0]?.terminate();
      await expect.poll(() => warnings.some((message) => message.includes('metric compactor thread stopped'))).toBe(true);
      await logMetrics(f, [metric('loss', 3, 3)]);
      expect((await history(f, 'loss')).map((point) => point.value)).toEqual([1, 2, 3]);
      expect(await pendingPoints(f.driver)).toBe(0);
      // Now this connection wrote them.
      expect(writesToMetrics(f.statements).length).toBeGreaterThan(0);
    } finally {
      await f.store.close();
    }
  });

  it('drains the log through the thread on close', async () => {
    const filename = newFile();
    const f = await fixture(waiting, filename);
    await logMetrics(f, [metric('loss', 1, 1), metric('acc', 2, 1)]);
    await logMetrics(f, [metric('loss', 3, 2)]);
    await f.store.close();
    expect(writesToMetrics(f.statements)).toEqual([]);
    const plain = createSqliteDriver({ filename });
    try {
      expect(await pendingPoints(plain)).toBe(0);
      expect(await plain.all('SELECT SUM(point_count) AS n FROM metric_blocks')).toEqual([{ n: 3 }]);
    } finally {
      await plain.close();
    }
  });

  it('drains what a stopped process left on the event loop before the thread starts, so a start never waits for the thread to boot', async () => {
    const filename = newFile();
    const first = await fixture(waiting, filename);
    await logMetrics(first, [metric('loss', 1, 1), metric('loss', 2, 2)]);
    // Ending the thread and closing the connection without the store's drain leaves the rows as a crash would.
    await expect.poll(() => first.workers.length).toBe(1);
    await first.workers[0]?.terminate();
    await first.driver.close();
    const second = await open(filename);
    try {
      expect(await pendingPoints(second.driver)).toBe(0);
      expect(await second.driver.all('SELECT SUM(point_count) AS n FROM metric_blocks')).toEqual([{ n: 2 }]);
      // The event loop's connection drained them: the thread wrote nothing yet.
      expect(writesToMetrics(second.statements).length).toBeGreaterThan(0);
      const { projectId, runId } = first;
      await second.store.logBatch(projectId, runId, { metrics: [metric('loss', 3, 3), metric('loss', 4, 4)], params: [], tags: [] });
      expect((await second.store.getMetricHistory(projectId, runId, 'loss', { maxResults: 10, pageToken: undefined })).items.map((point) => point.value)).toEqual([1, 2, 3, 4]);
    } finally {
      await second.store.close();
    }
  });
});
