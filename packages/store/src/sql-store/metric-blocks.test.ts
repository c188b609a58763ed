import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Metric } from '@keel/spec';
import { createSqliteDriver } from '../drivers/sqlite-driver.ts';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { runMigrations } from '../migrations/run-migrations.ts';
import { compareMetricPoints, decodeMetricBlock, encodeMetricBlock } from './metric-block-codec.ts';
import { blockCapacity, readSeries, sortUnique, splitIntoBlocks, writeRunSeries } from './metric-blocks.ts';

const key = 'loss';
const point = (step: number, value: number, timestamp = 1): Metric => ({ key, step, timestamp, value });
const steps = (from: number, count: number): Metric[] => Array.from({ length: count }, (_unused, at) => point(from + at, (from + at) / 10));

let driver: SqlDriver;
beforeEach(async () => {
  driver = createSqliteDriver({ filename: ':memory:' });
  await runMigrations(driver);
});
afterEach(async () => {
  await driver.close();
});

const write = (points: readonly Metric[]): Promise<Metric[]> => driver.transaction((tx) => writeRunSeries(tx, 1, [{ key, incoming: sortUnique(points) }]));

interface BlockRow {
  lo: number;
  hi: number;
  count: number;
  points: Metric[];
}

async function blocks(): Promise<BlockRow[]> {
  const rows = await driver.all('SELECT lo_step, hi_step, point_count, points FROM metric_blocks WHERE run_pk = 1 AND key = ? ORDER BY lo_step', [key]);
  return rows.map((row) => {
    const points: Metric[] = [];
    decodeMetricBlock(row.points, key, points);
    return { lo: Number(row.lo_step), hi: Number(row.hi_step), count: Number(row.point_count), points };
  });
}

/** What every write must leave: blocks that agree with their columns, sorted inside, over disjoint steps. */
async function expectBlockInvariants(): Promise<void> {
  let previousHi = Number.NEGATIVE_INFINITY;
  for (const block of await blocks()) {
    expect(block.count).toBe(block.points.length);
    expect(block.lo).toBe(block.points[0]?.step);
    expect(block.hi).toBe(block.points.at(-1)?.step);
    expect(block.lo).toBeGreaterThan(previousHi);
    for (let at = 1; at < block.points.length; at += 1) expect(compareMetricPoints(block.points[at - 1] as Metric, block.points[at] as Metric)).toBeLessThan(0);
    // Only a step's own points may carry a block past its capacity.
    if (block.points.length > blockCapacity) expect(block.points[blockCapacity - 1]?.step).toBe(block.points[blockCapacity]?.step);
    previousHi = block.hi;
  }
}

describe('metric block codec', () => {
  it('round-trips NaN, the infinities, negative zero and large steps', () => {
    const points = [point(-5, Number.NaN), point(0, Number.NEGATIVE_INFINITY, 2), point(0, -0, 3), point(2 ** 52, Number.POSITIVE_INFINITY, 2 ** 50)];
    const decoded: Metric[] = [];
    decodeMetricBlock(encodeMetricBlock(points), key, decoded);
    expect(decoded).toEqual(points);
    expect(Object.is(decoded[2]?.value, -0)).toBe(true);
  });

  it('rejects a payload of the wrong length or format', () => {
    const payload = encodeMetricBlock([point(1, 1)]);
    expect(() => decodeMetricBlock(payload.subarray(0, payload.length - 1), key, [])).toThrow(/malformed/);
    expect(() => decodeMetricBlock(Buffer.concat([Buffer.from([9]), payload.subarray(1)]), key, [])).toThrow(/malformed/);
    expect(() => decodeMetricBlock('text', key, [])).toThrow(/malformed/);
  });

  it("orders a series as MLflow's metric key did: step, timestamp, value, NaN after 0", () => {
    const sorted = [point(1, 5, 2), point(1, -1, 3), point(0, Number.NaN, 1), point(0, 0, 1), point(0, -3, 1)].sort(compareMetricPoints);
    expect(sorted.map((p) => [p.step, p.timestamp, p.value])).toEqual([[0, 1, -3], [0, 1, 0], [0, 1, Number.NaN], [1, 2, 5], [1, 3, -1]]);
  });
});

describe('splitIntoBlocks', () => {
  it('cuts every blockCapacity points, but never between the points of one step', () => {
    expect(splitIntoBlocks(steps(0, blockCapacity * 2 + 1)).map((block) => block.length)).toEqual([blockCapacity, blockCapacity, 1]);
    const sameStep = Array.from({ length: blockCapacity + 5 }, (_unused, at) => point(7, 0, at));
    expect(splitIntoBlocks([...steps(0, blockCapacity - 1), ...sameStep, point(8, 0)]).map((block) => block.length)).toEqual([blockCapacity - 1 + blockCapacity + 5, 1]);
  });
});

describe('writeRunSeries and readSeries (SQLite)', () => {
  it('writes several series of a run in one call: a new one, one that grows, one merged into its stored steps', async () => {
    const series = (name: string, points: Metric[]): Metric[] => points.map((p) => ({ ...p, key: name }));
    await driver.transaction((tx) => writeRunSeries(tx, 1, [{ key: 'grows', incoming: series('grows', steps(0, 10)) }, { key: 'merged', incoming: series('merged', steps(0, 300)) }]));
    const inserted = await driver.transaction((tx) =>
      writeRunSeries(tx, 1, [
        { key: 'fresh', incoming: series('fresh', steps(5, 3)) },
        { key: 'grows', incoming: series('grows', steps(10, 5)) },
        { key: 'merged', incoming: sortUnique(series('merged', [point(20, 7), point(150, 0.5), ...steps(290, 20)])) },
        { key: 'empty', incoming: [] },
      ]),
    );
    expect(sortUnique(inserted.filter((p) => p.key === 'merged'))).toEqual(series('merged', sortUnique([point(20, 7), point(150, 0.5), ...steps(300, 10)])));
    expect(inserted.filter((p) => p.key !== 'merged').map((p) => [p.key, p.step])).toEqual([['fresh', 5], ['fresh', 6], ['fresh', 7], ['grows', 10], ['grows', 11], ['grows', 12], ['grows', 13], ['grows', 14]]);
    expect(await readSeries(driver, 1, 'fresh', {})).toEqual(series('fresh', steps(5, 3)));
    expect(await readSeries(driver, 1, 'grows', {})).toEqual(series('grows', steps(0, 15)));
    expect(await readSeries(driver, 1, 'merged', {})).toEqual(series('merged', sortUnique([...steps(0, 310), point(20, 7), point(150, 0.5)])));
    const counts = await driver.all('SELECT key, COUNT(*) AS n FROM metric_blocks GROUP BY key ORDER BY key');
    expect(counts.map((row) => [row.key, Number(row.n)])).toEqual([['fresh', 1], ['grows', 1], ['merged', 3]]);
  });

  it('fills the last block before starting a new one, and rewrites only that block', async () => {
    expect(await write(steps(0, 100))).toHaveLength(100);
    expect((await blocks()).map((block) => block.count)).toEqual([100]);
    expect(await write(steps(100, 100))).toHaveLength(100);
    expect((await blocks()).map((block) => [block.lo, block.count])).toEqual([[0, blockCapacity], [blockCapacity, 200 - blockCapacity]]);
    await expectBlockInvariants();
    expect(await readSeries(driver, 1, key, {})).toEqual(steps(0, 200));
  });

  it('returns only the points not stored already, and stores a repeated point once', async () => {
    await write(steps(0, 300));
    const again = [...steps(0, 350).slice(250), point(10, 99), point(10, 1)];
    const inserted = await write(again);
    expect(inserted).toEqual(sortUnique([...steps(300, 50), point(10, 99)]));
    expect(await write(again)).toEqual([]);
    await expectBlockInvariants();
    expect(await readSeries(driver, 1, key, {})).toEqual(sortUnique([...steps(0, 350), point(10, 99)]));
  });

  it('reads a page after a cursor point, inside a step range, and drops what `keep` rejects', async () => {
    await write([...steps(0, 500), point(3, Number.NaN), point(300, Number.NaN)]);
    const all = await readSeries(driver, 1, key, {});
    expect(all).toHaveLength(502);
    const after = all[200] as Metric;
    expect(await readSeries(driver, 1, key, {}, { after, limit: 10 })).toEqual(all.slice(201, 211));
    expect(await readSeries(driver, 1, key, { startStep: 250, endStep: 260 })).toEqual(all.filter((p) => p.step >= 250 && p.step <= 260));
    const finite = await readSeries(driver, 1, key, {}, { keep: (p) => !Number.isNaN(p.value) });
    expect(finite).toEqual(all.filter((p) => !Number.isNaN(p.value)));
    expect(await readSeries(driver, 1, key, { startStep: 600 })).toEqual([]);
    expect(await readSeries(driver, 1, key, { startStep: 10, endStep: 5 })).toEqual([]);
  });

  it('agrees with a set of points under any order of batches, duplicates and special values included (property)', async () => {
    const value = fc.constantFrom(0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    const generated = fc.record({ step: fc.integer({ min: -5, max: 400 }), timestamp: fc.integer({ min: 0, max: 2 }), value });
    const batch = fc.oneof(
      fc.array(generated, { maxLength: 40 }),
      // A run of consecutive steps, as a training loop logs, sometimes longer than a block.
      fc.record({ from: fc.integer({ min: 0, max: 400 }), count: fc.integer({ min: 1, max: 300 }) }).map(({ from, count }) => steps(from, count).map(({ step, timestamp, value: v }) => ({ step, timestamp, value: v }))),
      // Steps going on from the series' last step (resolved below), that step included, at another timestamp or not.
      fc.record({ continueFor: fc.integer({ min: 1, max: 60 }), timestamp: fc.integer({ min: 0, max: 2 }) }),
    );
    const query = fc.record({
      startStep: fc.option(fc.integer({ min: -10, max: 800 }), { nil: undefined }),
      endStep: fc.option(fc.integer({ min: -10, max: 800 }), { nil: undefined }),
      afterIndex: fc.option(fc.nat(), { nil: undefined }),
      limit: fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }),
    });
    const reached = { merges: 0, duplicates: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { minLength: 1, maxLength: 6 }), fc.array(query, { maxLength: 4 }), async (batches, queries) => {
        await driver.run('DELETE FROM metric_blocks');
        let model: Metric[] = [];
        for (const generatedBatch of batches) {
          const lastStep = model.at(-1)?.step ?? 0;
          const raw = Array.isArray(generatedBatch) ? generatedBatch : steps(lastStep, generatedBatch.continueFor).map((p) => ({ ...p, timestamp: generatedBatch.timestamp }));
          const points = raw.map((p) => ({ ...p, key }));
          const expectedNew = sortUnique(points).filter((p) => !model.some((old) => compareMetricPoints(old, p) === 0));
          if (expectedNew.length < sortUnique(points).length) reached.duplicates += 1;
          if (model.length > 0 && points.some((p) => p.step <= (model.at(-1) as Metric).step)) reached.merges += 1;
          expect(sortUnique(await write(points))).toEqual(expectedNew);
          model = sortUnique([...model, ...expectedNew]);
        }
        await expectBlockInvariants();
        expect(await readSeries(driver, 1, key, {})).toEqual(model);
        for (const { startStep, endStep, afterIndex, limit } of queries) {
          const after = afterIndex === undefined || model.length === 0 ? undefined : model[afterIndex % model.length];
          const expected = model
            .filter((p) => (startStep === undefined || p.step >= startStep) && (endStep === undefined || p.step <= endStep))
            .filter((p) => after === undefined || compareMetricPoints(p, after) > 0)
            .slice(0, limit ?? Number.POSITIVE_INFINITY);
          expect(await readSeries(driver, 1, key, { startStep, endStep }, { after, limit })).toEqual(expected);
        }
      }),
      { numRuns: 60 },
    );
    expect(reached.merges).toBeGreaterThan(0);
    expect(reached.duplicates).toBeGreaterThan(0);
  });
});
