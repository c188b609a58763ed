import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll } from 'vitest';
import { createPostgresTestSchema } from '@keel/testing';
import { createPgliteDriver } from '../drivers/pglite-driver.ts';
import { createPostgresDriver } from '../drivers/postgres-driver.ts';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { createSqliteDriver } from '../drivers/sqlite-driver.ts';

export interface MigrationTestDrivers {
  /** A SQLite file in a new temporary directory. */
  sqlite(): SqlDriver;
  /** An in-memory PGlite database. */
  pglite(): Promise<SqlDriver>;
  /** KEEL_TEST_POSTGRES_URL, when set: tests on a real PostgreSQL server skip without it. */
  postgresUrl: string | undefined;
  /** A new schema on that server. */
  postgres(): Promise<SqlDriver>;
}

/**
 * Empty databases of each dialect for a migration test, each closed and removed after the
 * surrounding `describe`'s tests. Call it inside `describe`.
 */
export function migrationTestDrivers(prefix: string): MigrationTestDrivers {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const postgresUrl = process.env.KEEL_TEST_POSTGRES_URL;
  return {
    sqlite() {
      const directory = mkdtempSync(path.join(os.tmpdir(), `keel-${prefix}-`));
      const driver = createSqliteDriver({ filename: path.join(directory, 'keel.db') });
      cleanups.push(async () => {
        await driver.close();
        rmSync(directory, { recursive: true, force: true });
      });
      return driver;
    },
    async pglite() {
      const instance = await PGlite.create();
      cleanups.push(() => instance.close());
      return createPgliteDriver({ instance });
    },
    postgresUrl: postgresUrl === '' ? undefined : postgresUrl,
    async postgres() {
      if (postgresUrl === undefined || postgresUrl === '') throw new Error('KEEL_TEST_POSTGRES_URL is not set');
      const schema = await createPostgresTestSchema(postgresUrl);
      const driver = await createPostgresDriver({ connectionString: schema.url, maxConnections: 2 });
      cleanups.push(async () => {
        await driver.close();
        await schema.drop();
      });
      return driver;
    },
  };
}
