// Shared by the metric log's test files: temporary SQLite files, a store with the log, a seeded run.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KeelStore, Metric } from '@keel/spec';
import { createSqliteDriver } from '../drivers/sqlite-driver.ts';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { createSqlStore } from './create-sql-store.ts';
import type { MetricLogOptions } from './metric-log.ts';

const directories: string[] = [];

/** Removes every file `newFile` made (call it in `afterAll`). */
export function removeFiles(): void {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
}

export function newFile(): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'keel-metric-log-'));
  directories.push(directory);
  return path.join(directory, 'keel.db');
}

/** The background compaction never fires on its own: whatever a test logs stays in the log until something drains it. */
export const waiting: MetricLogOptions = { delayMs: 3_600_000, eagerPoints: Number.MAX_SAFE_INTEGER };

export interface Fixture {
  store: KeelStore;
  driver: SqlDriver;
  projectId: number;
  experimentId: string;
  runId: string;
}

export async function open(filename: string, metricLog: MetricLogOptions = waiting): Promise<{ store: KeelStore; driver: SqlDriver }> {
  const driver = createSqliteDriver({ filename });
  return { store: await createSqlStore(driver, { metricLog }), driver };
}

/** Project `p`, an experiment and a run whose id is `letter` 32 times. */
export async function seedRun(store: KeelStore, letter: string): Promise<{ projectId: number; experimentId: string; runId: string }> {
  const project = await store.createProject('p', 1);
  const experimentId = await store.createExperiment(project.id, { name: 'e', artifactLocation: 'file:///a', tags: [], now: 1 });
  const run = await store.createRun(project.id, { runId: letter.repeat(32), experimentId, runName: 'r', userId: 'u', startTime: 1, tags: [], artifactUri: () => 'file:///a/r' });
  return { projectId: project.id, experimentId, runId: run.info.runId };
}

export async function fixture(metricLog: MetricLogOptions = waiting): Promise<Fixture> {
  const { store, driver } = await open(newFile(), metricLog);
  return { store, driver, ...(await seedRun(store, 'a')) };
}

export const metric = (key: string, value: number, step: number, timestamp = 100 + step): Metric => ({ key, value, step, timestamp });
export const logMetrics = (f: Fixture, metrics: Metric[], runId = f.runId) => f.store.logBatch(f.projectId, runId, { metrics, params: [], tags: [] });

/** Read straight from the driver, which the log does not drain. */
export async function pendingPoints(driver: SqlDriver): Promise<number> {
  const rows = await driver.all('SELECT COALESCE(SUM(points), 0) AS points FROM metric_log');
  return Number(rows[0]?.points);
}

/** `plain`, with `hook` awaited before each delete of the log's rows: it can count them, hold them, or fail them by throwing. */
export function beforeLogDelete(plain: SqlDriver, hook: () => void | Promise<void>): SqlDriver {
  return {
    ...plain,
    run: async (sql, params) => {
      if (sql.startsWith('DELETE FROM metric_log')) await hook();
      return plain.run(sql, params);
    },
  };
}

/** The same driver, calling `hook` before each transaction it runs. */
export function onTransaction(plain: SqlDriver, hook: () => void): SqlDriver {
  return {
    ...plain,
    transaction: (work) => {
      hook();
      return plain.transaction(work);
    },
  };
}

export async function rollupCount(driver: SqlDriver, key: string, level: number): Promise<number> {
  const rows = await driver.all('SELECT COALESCE(SUM(point_count), 0) AS points FROM metric_rollups WHERE key = ? AND level = ?', [key, level]);
  return Number(rows[0]?.points);
}

export async function databaseFile(driver: SqlDriver): Promise<string> {
  const rows = await driver.all<{ file: string }>("SELECT file FROM pragma_database_list WHERE name = 'main'");
  return String(rows[0]?.file);
}
