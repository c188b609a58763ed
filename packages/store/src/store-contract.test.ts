import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe } from 'vitest';
import type { KeelStore } from '@keel/spec';
import { describeStoreContract } from '@keel/testing';
import { createPgliteDriver } from './drivers/pglite-driver.ts';
import { createPostgresDriver } from './drivers/postgres-driver.ts';
import { createSqliteDriver } from './drivers/sqlite-driver.ts';
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

// (b) PGlite: a new in-memory PostgreSQL for every open() (one per describe block of the suite).
describeStoreContract('pglite', async () => createSqlStore(await createPgliteDriver()));

// (c) A real PostgreSQL server: every open() gets a schema of its own, dropped at the end.
const postgresUrl = process.env.KEEL_TEST_POSTGRES_URL;
const postgresSchemas: string[] = [];

async function withAdminClient(url: string, work: (query: (sql: string) => Promise<unknown>) => Promise<void>): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work((sql) => client.query(sql));
  } finally {
    await client.end();
  }
}

async function openPostgres(url: string): Promise<KeelStore> {
  const schema = `keel_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(url, async (query) => {
    await query(`CREATE SCHEMA ${schema}`);
  });
  postgresSchemas.push(schema);
  const connectionString = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return createSqlStore(await createPostgresDriver({ connectionString, maxConnections: 4 }));
}

if (postgresUrl === undefined || postgresUrl === '') {
  describe.skip('KeelStore contract: postgres (skipped: KEEL_TEST_POSTGRES_URL not set)', () => {
    describeStoreContract('postgres', () => Promise.reject(new Error('KEEL_TEST_POSTGRES_URL not set')));
  });
} else {
  const url = postgresUrl;
  afterAll(async () => {
    if (postgresSchemas.length === 0) return;
    await withAdminClient(url, async (query) => {
      for (const schema of postgresSchemas) await query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    });
  });
  describeStoreContract('postgres', () => openPostgres(url));
}
