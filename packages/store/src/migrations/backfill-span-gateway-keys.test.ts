import { describe, expect, it } from 'vitest';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { createSqlStore } from '../sql-store/create-sql-store.ts';
import { migrationTestDrivers } from './migration-test-drivers.ts';
import { runMigrations } from './run-migrations.ts';

const t0Us = Date.UTC(2025, 0, 1) * 1000;

/** The columns of `spans` before migration 6. */
const oldColumns = [
  'project_id', 'trace_id', 'span_id', 'parent_span_id', 'name', 'kind', 'start_us', 'end_us', 'latency_ms', 'status', 'status_message',
  'service_name', 'provider', 'request_model', 'response_model', 'model', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'cost',
  'cost_source', 'ttft_ms', 'session_id', 'user_id', 'prompt_name', 'prompt_version', 'mapper_version', 'tags', 'input', 'output', 'raw',
];

/** A generation as mapper version 1 stored it; its raw attributes are all that names the key. */
function oldSpan(projectId: number, id: number, service: string, latencyMs: number, attributes: Record<string, unknown>, raw?: string): unknown[] {
  const spanId = id.toString(16).padStart(16, '0');
  const rawText = raw ?? JSON.stringify({ otelKind: 3, attributes: { 'gen_ai.request.model': 'smart', ...attributes }, events: [], links: [], status: { code: 1, message: '' }, resource: { 'service.name': service }, scope: { name: 'keel.gateway', version: '1' } });
  return [
    projectId, id.toString(16).padStart(32, '0'), spanId, null, 'chat smart', 'llm', t0Us + id, t0Us + id + latencyMs * 1000, latencyMs, 'ok', '',
    service, 'openai', 'smart', 'gpt-4o-mini', 'gpt-4o-mini', 1, 1, null, 0.001, 'computed', null, null, null, null, null, 1, '[]', null, null, rawText,
  ];
}

async function checkBackfill(driver: SqlDriver): Promise<void> {
  expect(await runMigrations(driver, () => 1, 5)).toEqual([1, 2, 3, 4, 5]);
  await driver.run("INSERT INTO projects (name, created_at) VALUES ('backfill', 1)");
  const [project] = await driver.all<{ id: number }>("SELECT id FROM projects WHERE name = 'backfill'");
  const projectId = Number(project?.id);
  const rows = [
    oldSpan(projectId, 1, 'keel-gateway', 40, { 'keel.gateway.key': 'team-a' }),
    oldSpan(projectId, 2, 'keel-gateway', 80, { 'keel.gateway.key': 'team-a', 'keel.note': 'nul \u0000 and a lone \udc00 surrogate, which PostgreSQL json refuses' }),
    oldSpan(projectId, 3, 'keel-gateway', 60, { 'keel.gateway.key': 'team-b' }),
    // A call with a project API key, a key of the wrong type, an empty key.
    oldSpan(projectId, 4, 'keel-gateway', 10, {}),
    oldSpan(projectId, 5, 'keel-gateway', 10, { 'keel.gateway.key': 7 }),
    oldSpan(projectId, 6, 'keel-gateway', 10, { 'keel.gateway.key': '' }),
    // Raw text that is not JSON must not stop the migration.
    oldSpan(projectId, 7, 'keel-gateway', 10, {}, 'not json'),
    // An application's span: only the gateway's spans are read.
    oldSpan(projectId, 8, 'support-bot', 900, { 'keel.gateway.key': 'team-a' }),
  ];
  // More gateway spans than one page of the backfill.
  for (let id = 100; id < 1_150; id += 1) rows.push(oldSpan(projectId, id, 'keel-gateway', 20, { 'keel.gateway.key': 'bulk' }));
  for (let start = 0; start < rows.length; start += 200) {
    const chunk = rows.slice(start, start + 200);
    const placeholders = chunk.map(() => `(${oldColumns.map(() => '?').join(', ')})`).join(', ');
    await driver.run(`INSERT INTO spans (${oldColumns.join(', ')}) VALUES ${placeholders}`, chunk.flat() as (string | number | null)[]);
  }

  expect(await runMigrations(driver, () => 2, 6)).toEqual([6]);
  const stored = await driver.all('SELECT span_id, gateway_key, mapper_version FROM spans WHERE project_id = ? AND span_id < ? ORDER BY span_id', [projectId, '0000000000000010']);
  expect(stored.map((row) => [Number.parseInt(String(row.span_id), 16), row.gateway_key, Number(row.mapper_version)])).toEqual([
    [1, 'team-a', 2], [2, 'team-a', 2], [3, 'team-b', 2], [4, null, 1], [5, null, 1], [6, null, 1], [7, null, 1], [8, null, 1],
  ]);
  const bulk = await driver.all("SELECT COUNT(*) AS n FROM spans WHERE gateway_key = 'bulk' AND mapper_version = 2");
  expect(Number(bulk[0]?.n)).toBe(1_050);

  // The store reads the new column, and groups by it.
  const store = await createSqlStore(driver);
  const groups = await store.aggregate(projectId, { fromUs: t0Us, toUs: t0Us + 86_400_000_000, groupBy: 'gateway_key', serviceName: 'keel-gateway' });
  expect(groups.map((row) => [row.group, row.count, row.latencyP50Ms])).toEqual([['(none)', 4, 10], ['bulk', 1_050, 20], ['team-a', 2, 60], ['team-b', 1, 60]]);
}

describe('migration 6: the gateway key of spans stored before it', () => {
  const drivers = migrationTestDrivers('backfill');

  it('is read from raw on SQLite', async () => {
    await checkBackfill(drivers.sqlite());
  });

  it('is read from raw on PGlite', async () => {
    await checkBackfill(await drivers.pglite());
  });

  it.skipIf(drivers.postgresUrl === undefined)('is read from raw on PostgreSQL', async () => {
    await checkBackfill(await drivers.postgres());
  });
});
