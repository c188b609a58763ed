import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteDriver } from '../drivers/sqlite-driver.ts';
import { compareCodePoints, selectJsonRows } from './select-json-rows.ts';

const driver = createSqliteDriver({ filename: ':memory:' });
afterAll(() => driver.close());

// ASCII, Latin-1, the private-use and specials blocks (U+E000..U+FFFF, above the surrogates in
// UTF-16), astral characters (surrogate pairs in UTF-16, above U+FFFF by code point), prefixes.
const texts = ['b', 'a', 'ab', '', 'A', 'é', '\uE000', '\uFFFD', '\uFF21', '🚀', '𝒜', 'a🚀', 'a\uFFFD', '~', '\u0001'];

describe('compareCodePoints', () => {
  it('orders strings as SQLite ORDER BY does (BINARY collation), where UTF-16 order differs', async () => {
    const rows = await driver.all<{ value: string }>('SELECT value FROM json_each(?) ORDER BY value', [JSON.stringify(texts)]);
    const sqlite = rows.map((row) => row.value);
    expect([...texts].sort(compareCodePoints)).toEqual(sqlite);
    // The plain UTF-16 order is not SQLite's for these strings: the test would catch a comparator that used it.
    expect([...texts].sort()).not.toEqual(sqlite);
  });
});

describe('selectJsonRows', () => {
  it('reads rows as arrays in the asked order, with and without a SQLite comparison, and sorts rows that came in another order', async () => {
    await driver.exec('CREATE TABLE pairs (run INTEGER NOT NULL, key TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (run, key))');
    const values = texts.flatMap((key, index) => [[2, key, index + 0.5], [1, key, -(index + 1) / 3]] as const);
    for (const [run, key, value] of values) await driver.run('INSERT INTO pairs (run, key, value) VALUES (?, ?, ?)', [run, key, value]);
    const byRunAndKey = (a: unknown[], b: unknown[]): number => Number(a[0]) - Number(b[0]) || compareCodePoints(String(a[1]), String(b[1]));
    const expected = [...values].map((row) => [...row]).sort(byRunAndKey);

    const inAggregate = await selectJsonRows(driver, { columns: 'run, key, value', from: 'pairs WHERE run IN (?, ?)', orderBy: 'run, key', params: [1, 2] });
    const fromSubquery = await selectJsonRows(driver, { columns: 'run, key, value', from: 'pairs WHERE run IN (?, ?)', orderBy: 'run, key', params: [1, 2], sqliteOrder: byRunAndKey });
    expect(inAggregate).toEqual(expected);
    expect(fromSubquery).toEqual(expected);
    // The subquery delivers another order than the comparison: the rows are sorted by it.
    const reordered = await selectJsonRows(driver, { columns: 'run, key, value', from: 'pairs', orderBy: 'run DESC, key DESC', params: [], sqliteOrder: byRunAndKey });
    expect(reordered).toEqual(expected);
    expect(await selectJsonRows(driver, { columns: 'run, key, value', from: 'pairs WHERE run = ?', orderBy: 'run, key', params: [3], sqliteOrder: byRunAndKey })).toEqual([]);
  });
});
