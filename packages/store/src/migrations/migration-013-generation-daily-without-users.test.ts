import { describe, expect, it } from 'vitest';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { createSqlStore } from '../sql-store/create-sql-store.ts';
import { migrationTestDrivers } from './migration-test-drivers.ts';
import { runMigrations } from './run-migrations.ts';

const dayUs = 86_400_000_000;
const day = 20_089; // 2025-01-01

const columns = 'project_id, day, model, provider, prompt_name, prompt_version, generations, input_tokens, output_tokens, cost';

async function mergesUsers(driver: SqlDriver): Promise<void> {
  expect((await runMigrations(driver, () => 1, 12)).at(-1)).toBe(12);
  await driver.run("INSERT INTO projects (name, created_at) VALUES ('daily-13', 1)");
  const [project] = await driver.all("SELECT id FROM projects WHERE name = 'daily-13'");
  const p = Number(project?.id);
  // Rows as migration 4 kept them: per user too. Three users of one model and prompt version on one day.
  const rows: (string | number)[][] = [
    [p, day, 'gpt-4o', 'openai', 'alice', 'greet', 1, 2, 30, 15, 0.75],
    [p, day, 'gpt-4o', 'openai', 'bob', 'greet', 1, 1, 10, 5, 0.25],
    [p, day, 'gpt-4o', 'openai', '', 'greet', 1, 3, 3, 3, 0.5],
    [p, day, 'gpt-4o', 'openai', 'alice', '', -1, 1, 1, 1, 1],
    [p, day + 1, 'claude-3', 'anthropic', 'bob', '', -1, 4, 8, 8, 2],
  ];
  for (const row of rows) {
    await driver.run(
      'INSERT INTO generation_daily (project_id, day, model, provider, user_id, prompt_name, prompt_version, generations, input_tokens, output_tokens, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      row,
    );
  }
  expect(await runMigrations(driver, () => 2, 13)).toEqual([13]);
  const merged = await driver.all(`SELECT ${columns} FROM generation_daily ORDER BY day, model, prompt_name`);
  // PostgreSQL answers BIGINT as text.
  expect(merged.map((row) => [Number(row.project_id), Number(row.day), row.model, row.provider, row.prompt_name, Number(row.prompt_version), Number(row.generations), Number(row.input_tokens), Number(row.output_tokens), Number(row.cost)])).toEqual([
    [p, day, 'gpt-4o', 'openai', '', -1, 1, 1, 1, 1],
    [p, day, 'gpt-4o', 'openai', 'greet', 1, 6, 43, 23, 1.5],
    [p, day + 1, 'claude-3', 'anthropic', '', -1, 4, 8, 8, 2],
  ]);
  // The store reads them as before: whole days come from these rows.
  const store = await createSqlStore(driver);
  expect(await store.costTotals(p, { fromUs: day * dayUs, toUs: (day + 2) * dayUs, groupBy: ['model'] })).toEqual([
    { groups: ['claude-3'], count: 4, inputTokens: 8, outputTokens: 8, cost: 2 },
    { groups: ['gpt-4o'], count: 7, inputTokens: 44, outputTokens: 24, cost: 2.5 },
  ]);
}

describe('migration 13: generation_daily without users', () => {
  const drivers = migrationTestDrivers('migration-13');

  it('merges the rows of every user into one per model, provider and prompt version on SQLite', async () => {
    await mergesUsers(drivers.sqlite());
  });

  it('does the same on PGlite', async () => {
    await mergesUsers(await drivers.pglite());
  });

  it.skipIf(drivers.postgresUrl === undefined)('does the same on PostgreSQL', async () => {
    await mergesUsers(await drivers.postgres());
  });
});
