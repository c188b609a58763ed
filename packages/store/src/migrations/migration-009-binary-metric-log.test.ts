import { describe, expect, it } from 'vitest';
import type { Metric } from '@keel/spec';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { createSqlStore } from '../sql-store/create-sql-store.ts';
import { decodeMetricLog } from '../sql-store/metric-log-codec.ts';
import { migrationTestDrivers } from './migration-test-drivers.ts';
import { runMigrations } from './run-migrations.ts';

/** A row as log-batch wrote it before migration 9: JSON text, NaN as a string. */
const legacyText = JSON.stringify([['loss'], 0, 1, 100, 0.5, 0, 2, 101, 'NaN']);
const legacyPoints: Metric[] = [
  { key: 'loss', step: 1, timestamp: 100, value: 0.5 },
  { key: 'loss', step: 2, timestamp: 101, value: Number.NaN },
];

async function payloadColumnType(driver: SqlDriver): Promise<string> {
  const rows = driver.dialect === 'sqlite'
    ? await driver.all("SELECT type FROM pragma_table_info('metric_log') WHERE name = 'payload'")
    : await driver.all("SELECT data_type AS type FROM information_schema.columns WHERE table_name = 'metric_log' AND column_name = 'payload' AND table_schema = current_schema()");
  return String(rows[0]?.type).toLowerCase();
}

/** Migrates a database at version 8 holding one waiting row, and checks the row reads back as the same points. */
async function migrateWithWaitingRow(driver: SqlDriver): Promise<void> {
  expect((await runMigrations(driver, () => 1, 8)).at(-1)).toBe(8);
  await driver.run('INSERT INTO metric_log (run_pk, points, payload) VALUES (?, ?, ?)', [1, 2, legacyText]);
  expect(await runMigrations(driver, () => 2, 9)).toEqual([9]);
  expect(await payloadColumnType(driver)).toBe(driver.dialect === 'sqlite' ? 'blob' : 'bytea');
  const rows = await driver.all('SELECT id, run_pk, points, payload FROM metric_log');
  expect(rows).toHaveLength(1);
  expect(Number(rows[0]?.run_pk)).toBe(1);
  const points: Metric[] = [];
  decodeMetricLog(rows[0]?.payload, points);
  expect(points).toEqual(legacyPoints);
}

describe('migration 9: binary metric log', () => {
  const drivers = migrationTestDrivers('migration-9');

  it('keeps a batch waiting in the log on SQLite, which compaction then stores beside new binary batches', async () => {
    const driver = drivers.sqlite();
    await migrateWithWaitingRow(driver);
    const [kept] = await driver.all('SELECT typeof(payload) AS type FROM metric_log');
    expect(kept?.type).toBe('text');
    expect((await driver.all("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'metric_log'")).map((row) => row.name)).toEqual(['metric_log_by_run']);

    // The waiting row names run pk 1: the first run of a fresh database. Opening the store compacts it.
    const store = await createSqlStore(driver, { metricLog: { delayMs: 3_600_000, eagerPoints: Number.MAX_SAFE_INTEGER } });
    const project = await store.createProject('p', 1);
    const experimentId = await store.createExperiment(project.id, { name: 'e', artifactLocation: 'file:///a', tags: [], now: 1 });
    const run = await store.createRun(project.id, { runId: 'c'.repeat(32), experimentId, runName: 'r', userId: 'u', startTime: 1, tags: [], artifactUri: () => 'file:///a/r' });
    const [runRow] = await driver.all('SELECT pk FROM runs WHERE run_id = ?', [run.info.runId]);
    expect(Number(runRow?.pk)).toBe(1);
    await driver.run('INSERT INTO metric_log (run_pk, points, payload) VALUES (?, ?, ?)', [1, 2, legacyText]);
    await store.logBatch(project.id, run.info.runId, { metrics: [{ key: 'loss', step: 3, timestamp: 102, value: Number.POSITIVE_INFINITY }], params: [], tags: [] });
    const types = await driver.all('SELECT typeof(payload) AS type FROM metric_log ORDER BY id');
    expect(types.map((row) => row.type)).toEqual(['text', 'blob']);

    const history = await store.getMetricHistory(project.id, run.info.runId, 'loss', { maxResults: 100, pageToken: undefined });
    expect(history.items).toEqual([...legacyPoints, { key: 'loss', step: 3, timestamp: 102, value: Number.POSITIVE_INFINITY }]);
    expect(await driver.all('SELECT id FROM metric_log')).toEqual([]);
  });

  it('converts the column in place on PGlite', async () => {
    await migrateWithWaitingRow(await drivers.pglite());
  });

  it.skipIf(drivers.postgresUrl === undefined)('converts the column in place on PostgreSQL', async () => {
    await migrateWithWaitingRow(await drivers.postgres());
  });
});
