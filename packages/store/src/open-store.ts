import type { KeelStore } from '@keel/spec';
import { createSqliteDriver } from './drivers/sqlite-driver.ts';
import { createSqlStore } from './sql-store/create-sql-store.ts';

export interface OpenStoreOptions {
  /** `postgres://...` / `postgresql://...`, `pglite:` (in memory) or `pglite:<dir>`, or a SQLite file path. */
  databaseUrl: string;
}

/** Opens the store named by a database URL; PostgreSQL drivers are loaded only when asked for. */
export async function openStore(options: OpenStoreOptions): Promise<KeelStore> {
  const url = options.databaseUrl;
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { createPostgresDriver } = await import('./drivers/postgres-driver.ts');
    return createSqlStore(await createPostgresDriver({ connectionString: url }));
  }
  if (url.startsWith('pglite:')) {
    const { createPgliteDriver } = await import('./drivers/pglite-driver.ts');
    const dataDir = url.slice('pglite:'.length);
    return createSqlStore(await createPgliteDriver(dataDir === '' ? {} : { dataDir }));
  }
  const filename = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  return createSqlStore(createSqliteDriver({ filename }));
}
