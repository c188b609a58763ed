import { describe, expect, it } from 'vitest';
import type { Metric } from '@keel/spec';
import { first, type SqlDriver } from '../drivers/sql-driver.ts';
import { readSeries, writeRunSeries } from '../sql-store/metric-blocks.ts';
import { migrationTestDrivers } from './migration-test-drivers.ts';
import { runMigrations } from './run-migrations.ts';

/** 1,000 points of one series: blocks of 128 points, about 3 KB each. */
function series(): Metric[] {
  return Array.from({ length: 1_000 }, (_, step) => ({ key: 'loss', step, timestamp: 1_700_000_000_000 + step, value: Math.sin(step) * 1e3 }));
}

/** Bytes in the TOAST relation of metric_blocks (0 when nothing was moved out of its rows). */
async function toastBytes(driver: SqlDriver): Promise<number> {
  const row = await first(driver, "SELECT pg_relation_size(reltoastrelid) AS bytes FROM pg_class WHERE relname = 'metric_blocks' AND relnamespace = current_schema()::regnamespace");
  return Number(row?.bytes);
}

async function writeAndRead(driver: SqlDriver, runPk: number): Promise<void> {
  const points = series();
  await driver.transaction((tx) => writeRunSeries(tx, runPk, [{ key: 'loss', incoming: points }]));
  expect(await readSeries(driver, runPk, 'loss', {})).toEqual(points);
}

async function blocksStayInline(driver: SqlDriver): Promise<void> {
  // Before migration 12, PostgreSQL moved each block's bytes out of its row.
  expect((await runMigrations(driver, () => 1, 11)).at(-1)).toBe(11);
  await writeAndRead(driver, 1);
  const before = await toastBytes(driver);
  expect(before).toBeGreaterThan(0);
  expect(await runMigrations(driver, () => 2, 12)).toEqual([12]);
  const options = await first(driver, "SELECT array_to_string(reloptions, ',') AS options FROM pg_class WHERE relname = 'metric_blocks' AND relnamespace = current_schema()::regnamespace");
  expect(String(options?.options)).toContain('toast_tuple_target=8160');
  // New blocks stay whole in the table; the old ones still read as they did.
  await writeAndRead(driver, 2);
  expect(await toastBytes(driver)).toBe(before);
  expect(await readSeries(driver, 1, 'loss', {})).toEqual(series());
}

describe('migration 12: metric blocks kept inline on PostgreSQL', () => {
  const drivers = migrationTestDrivers('migration-12');

  it('changes nothing on SQLite, where blocks still write and read', async () => {
    const driver = drivers.sqlite();
    expect(await runMigrations(driver, () => 1)).toContain(12);
    await writeAndRead(driver, 1);
  });

  it('keeps new blocks out of the TOAST relation on PGlite', async () => {
    await blocksStayInline(await drivers.pglite());
  });

  it.skipIf(drivers.postgresUrl === undefined)('does the same on PostgreSQL', async () => {
    await blocksStayInline(await drivers.postgres());
  });
});
