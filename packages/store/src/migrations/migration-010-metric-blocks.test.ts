import { describe, expect, it } from 'vitest';
import type { Metric } from '@keel/spec';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { blockCapacity, readSeries } from '../sql-store/metric-blocks.ts';
import { encodeMetricValue } from '../sql-store/metric-value.ts';
import { migrationTestDrivers } from './migration-test-drivers.ts';
import { runMigrations } from './run-migrations.ts';

/**
 * Series as they sat in the one-row-per-point table, in its key order. The long one passes the
 * backfill's 10,000-row page with the points of one step (9,999) on both sides of the page's end.
 */
function legacySeries(): { runPk: number; key: string; points: Metric[] }[] {
  const long: Metric[] = [];
  for (let step = 0; step < 9_999; step += 1) long.push({ key: 'loss', step, timestamp: 1_000 + step, value: Math.sin(step) });
  for (let timestamp = 0; timestamp < 300; timestamp += 1) long.push({ key: 'loss', step: 9_999, timestamp, value: timestamp % 2 });
  long.push({ key: 'loss', step: 10_000, timestamp: 0, value: 0 }, { key: 'loss', step: 10_000, timestamp: 0, value: Number.NaN });
  const special: Metric[] = [
    { key: 'acc', step: -3, timestamp: 5, value: Number.NEGATIVE_INFINITY },
    { key: 'acc', step: 0, timestamp: 5, value: Number.NaN },
    { key: 'acc', step: 1, timestamp: 5, value: Number.POSITIVE_INFINITY },
  ];
  return [
    { runPk: 1, key: 'acc', points: special },
    { runPk: 1, key: 'loss', points: long },
    { runPk: 2, key: 'loss', points: [{ key: 'loss', step: 7, timestamp: 7, value: 0.25 }] },
  ];
}

async function tables(driver: SqlDriver): Promise<string[]> {
  const rows = driver.dialect === 'sqlite'
    ? await driver.all("SELECT name FROM sqlite_master WHERE type = 'table'")
    : await driver.all('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()');
  return rows.map((row) => String(row.name));
}

async function migrateLegacyPoints(driver: SqlDriver): Promise<void> {
  expect((await runMigrations(driver, () => 1, 9)).at(-1)).toBe(9);
  const series = legacySeries();
  for (const { runPk, points } of series) {
    for (let start = 0; start < points.length; start += 500) {
      const chunk = points.slice(start, start + 500);
      await driver.run(
        `INSERT INTO metrics (run_pk, key, step, timestamp, value, is_nan) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((point) => [runPk, point.key, point.step, point.timestamp, ...encodeMetricValue(point.value)]),
      );
    }
  }
  expect(await runMigrations(driver, () => 2, 10)).toEqual([10]);
  expect(await tables(driver)).not.toContain('metrics');
  for (const { runPk, key, points } of series) expect(await readSeries(driver, runPk, key, {})).toEqual(points);
  const blocks = await driver.all("SELECT lo_step, hi_step, point_count FROM metric_blocks WHERE run_pk = 1 AND key = 'loss' ORDER BY lo_step");
  // Full blocks of 128 up to step 9,999, whose 300 points stay together in one block, then step 10,000.
  expect(blocks.length).toBe(Math.ceil(9_999 / blockCapacity) + 1);
  const stepBlock = blocks.find((row) => Number(row.hi_step) === 9_999);
  expect(Number(stepBlock?.point_count)).toBeGreaterThanOrEqual(300);
  expect(blocks.reduce((sum, row) => sum + Number(row.point_count), 0)).toBe(9_999 + 300 + 2);
}

describe('migration 10: metric blocks', () => {
  const drivers = migrationTestDrivers('migration-10');

  it('packs the points of every series into blocks and drops the metrics table on SQLite', async () => {
    await migrateLegacyPoints(drivers.sqlite());
  });

  it('does the same on PGlite', async () => {
    await migrateLegacyPoints(await drivers.pglite());
  });

  it.skipIf(drivers.postgresUrl === undefined)('does the same on PostgreSQL', async () => {
    await migrateLegacyPoints(await drivers.postgres());
  });
});
