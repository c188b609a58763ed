import { describe, expect, it } from 'vitest';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { createSqlStore } from '../sql-store/create-sql-store.ts';
import { migrationTestDrivers } from './migration-test-drivers.ts';
import { runMigrations } from './run-migrations.ts';

const hourUs = 3_600_000_000;
const t0Us = Date.UTC(2025, 0, 1) * 1000;

async function projectId(driver: SqlDriver, name: string): Promise<number> {
  await driver.run('INSERT INTO projects (name, created_at) VALUES (?, 1)', [name]);
  const [row] = await driver.all('SELECT id FROM projects WHERE name = ?', [name]);
  return Number(row?.id);
}

/** A span row as the store wrote it before migration 14, with the columns the checks read. */
async function insertOld(driver: SqlDriver, project: number, id: number, startUs: number, model: string | null, cost: number): Promise<void> {
  await driver.run(
    `INSERT INTO spans (project_id, trace_id, span_id, name, kind, start_us, end_us, latency_ms, status, status_message, model, provider, cost, input_tokens, output_tokens, mapper_version, tags, raw)
     VALUES (?, ?, ?, 'chat', 'llm', ?, ?, 1, 'ok', '', ?, 'openai', ?, 1, 1, 1, '[]', '{}')`,
    [project, id.toString(16).padStart(32, '0'), id.toString(16).padStart(16, '0'), startUs, startUs + 1000, model, cost],
  );
}

const numbers = (rows: Record<string, unknown>[], ...names: string[]): (number | null)[][] =>
  rows.map((row) => names.map((name) => (row[name] === null ? null : Number(row[name]))));

async function numbersOldGenerations(driver: SqlDriver): Promise<void> {
  expect((await runMigrations(driver, () => 1, 13)).at(-1)).toBe(13);
  const p = await projectId(driver, 'seq-14-a');
  const q = await projectId(driver, 'seq-14-b');
  // Stored out of order of start: three hours of generations, a span without a model, another project.
  await insertOld(driver, p, 1, t0Us + 3 * hourUs + 5, 'gpt-4o', 4);
  await insertOld(driver, p, 2, t0Us + 10, 'gpt-4o', 1);
  await insertOld(driver, p, 3, t0Us + 20, null, 100);
  await insertOld(driver, p, 4, t0Us + hourUs / 2, 'claude-3', 2);
  await insertOld(driver, p, 5, t0Us + 3 * hourUs + 1, 'gpt-4o', 3);
  await insertOld(driver, q, 6, t0Us + 7, 'gpt-4o', 50);

  expect(await runMigrations(driver, () => 2, 14)).toEqual([14]);
  const sqlite = driver.dialect === 'sqlite';
  // On SQLite, numbered per project in order of start; the span without a model has no number.
  // PostgreSQL keeps its index by start and numbers nothing.
  const spans = await driver.all('SELECT project_id, span_id, gen_seq FROM spans ORDER BY project_id, span_id');
  expect(spans.map((row) => [Number(row.project_id), String(row.span_id).slice(-1), row.gen_seq === null ? null : Number(row.gen_seq)])).toEqual(
    sqlite ? [[p, '1', 4], [p, '2', 1], [p, '3', null], [p, '4', 2], [p, '5', 3], [q, '6', 1]] : [[p, '1', null], [p, '2', null], [p, '3', null], [p, '4', null], [p, '5', null], [q, '6', null]],
  );
  // On SQLite, one chunk per hour that holds generations.
  const chunks = await driver.all('SELECT project_id, seq_lo, seq_hi, start_lo, start_hi FROM span_chunks ORDER BY project_id, seq_lo');
  expect(numbers(chunks, 'project_id', 'seq_lo', 'seq_hi', 'start_lo', 'start_hi')).toEqual(sqlite ? [
    [p, 1, 2, t0Us + 10, t0Us + hourUs / 2],
    [p, 3, 4, t0Us + 3 * hourUs + 1, t0Us + 3 * hourUs + 5],
    [q, 1, 1, t0Us + 7, t0Us + 7],
  ] : []);

  // The store finds them, and numbers what comes next after them.
  const store = await createSqlStore(driver);
  const window = { fromUs: t0Us, toUs: t0Us + 4 * hourUs };
  expect((await store.aggregate(p, { ...window, groupBy: 'model' })).map((row) => [row.group, row.count, row.cost])).toEqual([['claude-3', 1, 2], ['gpt-4o', 3, 8]]);
  expect((await store.aggregate(p, { fromUs: t0Us + hourUs, toUs: t0Us + 4 * hourUs, groupBy: 'model' })).map((row) => [row.group, row.count, row.cost])).toEqual([['gpt-4o', 2, 7]]);
  const [late] = await store.getTraceSpans(p, (1).toString(16).padStart(32, '0'));
  if (late === undefined) throw new Error('span 1 was not read back');
  await store.insertSpans([{ projectId: p, span: { ...late, traceId: 'f'.repeat(32), startUs: t0Us + 3 * hourUs + 9, endUs: t0Us + 3 * hourUs + 99 } }]);
  const [next] = await driver.all('SELECT gen_seq FROM spans WHERE trace_id = ?', ['f'.repeat(32)]);
  expect(next?.gen_seq === null ? null : Number(next?.gen_seq)).toBe(sqlite ? 5 : null);
  expect((await store.aggregate(p, { ...window, groupBy: 'model' })).map((row) => [row.group, row.count, row.cost])).toEqual([['claude-3', 1, 2], ['gpt-4o', 4, 12]]);
}

describe('migration 14: generations by sequence', () => {
  const drivers = migrationTestDrivers('migration-14');

  it('numbers the generations stored before in order of start, a chunk per hour, on SQLite', async () => {
    await numbersOldGenerations(drivers.sqlite());
  });

  it('numbers nothing on PGlite, and finds the generations as before', async () => {
    await numbersOldGenerations(await drivers.pglite());
  });

  it.skipIf(drivers.postgresUrl === undefined)('numbers nothing on PostgreSQL, and finds the generations as before', async () => {
    await numbersOldGenerations(await drivers.postgres());
  });
});
