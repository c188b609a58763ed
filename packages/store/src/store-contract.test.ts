import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresTestSchema, describeStoreContract, type PostgresTestSchema } from '@keel/testing';
import { createPgliteDriver } from './drivers/pglite-driver.ts';
import { createPostgresDriver } from './drivers/postgres-driver.ts';
import { createSqliteDriver } from './drivers/sqlite-driver.ts';
import { openStore } from './open-store.ts';
import { createSqlStore } from './sql-store/create-sql-store.ts';

// (a) SQLite: a new database file in a new temporary directory for every open().
const sqliteDirectories: string[] = [];
afterAll(() => {
  for (const directory of sqliteDirectories) rmSync(directory, { recursive: true, force: true });
});
describeStoreContract('sqlite', async () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'keel-store-contract-'));
  sqliteDirectories.push(directory);
  return createSqlStore(createSqliteDriver({ filename: path.join(directory, 'keel.db') }));
});

// (a') SQLite as the server opens it: the metric log compacted by a thread with its own connection (ADR 0016).
describeStoreContract('sqlite, metric compactor thread', async () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'keel-store-contract-'));
  sqliteDirectories.push(directory);
  return openStore({ databaseUrl: path.join(directory, 'keel.db'), compactMetricsInThread: true });
});

// (b) PGlite in memory. Starting one takes seconds of CPU, so one instance serves the whole run and
// every open() gets a new, empty schema of its own. PGlite has a single session, so this relies on
// the suite using one store at a time (it opens them in beforeAll and closes them in afterAll).
let pglite: Promise<PGlite> | undefined;
let pgliteSchemas = 0;
afterAll(async () => {
  if (pglite !== undefined) await (await pglite).close();
});
describeStoreContract('pglite', async () => {
  pglite ??= PGlite.create();
  const instance = await pglite;
  pgliteSchemas += 1;
  await instance.exec(`CREATE SCHEMA keel_test_${pgliteSchemas}; SET search_path TO keel_test_${pgliteSchemas}`);
  return createSqlStore(await createPgliteDriver({ instance }));
});

// The driver's own-instance path (what `pglite:` URLs use): it starts PGlite and closes it again.
describe('PGlite driver with an instance of its own', () => {
  it('opens an in-memory store through openStore and closes it', async () => {
    const store = await openStore({ databaseUrl: 'pglite:' });
    try {
      expect(store.dialect).toBe('postgres');
      await store.ping();
      const project = await store.createProject('own-instance', 1_717_000_000_123);
      expect(await store.getProjectByName('own-instance')).toEqual(project);
    } finally {
      await store.close();
    }
    await expect(store.ping()).rejects.toThrow();
  });
});

// (c) A real PostgreSQL server: every open() gets a schema of its own, dropped at the end.
const postgresUrl = process.env.KEEL_TEST_POSTGRES_URL;
if (postgresUrl === undefined || postgresUrl === '') {
  describe.skip('KeelStore contract: postgres (skipped: KEEL_TEST_POSTGRES_URL not set)', () => {
    describeStoreContract('postgres', () => Promise.reject(new Error('KEEL_TEST_POSTGRES_URL not set')));
  });
} else {
  const baseUrl = postgresUrl;
  const schemas: PostgresTestSchema[] = [];
  afterAll(async () => {
    for (const schema of schemas) await schema.drop();
  });
  describeStoreContract('postgres', async () => {
    const schema = await createPostgresTestSchema(baseUrl);
    schemas.push(schema);
    return createSqlStore(await createPostgresDriver({ connectionString: schema.url, maxConnections: 4 }));
  });
}
