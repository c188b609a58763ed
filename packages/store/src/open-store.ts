import type { KeelStore } from '@keel/spec';
import { createSqliteDriver } from './drivers/sqlite-driver.ts';
import { writerPriority } from './drivers/writer-priority.ts';
import { parseDatabaseUrl } from './parse-database-url.ts';
import { createSqlStore } from './sql-store/create-sql-store.ts';
import { isSharedSqliteFile } from './worker-script.ts';

export interface OpenStoreOptions {
  /** `postgres://...` / `postgresql://...`, `pglite:` (in memory) or `pglite:<dir>`, or a SQLite file path. */
  databaseUrl: string;
  /**
   * SQLite files: false when another connection of this process already checkpoints the file's WAL
   * (the span writer thread's store, beside the main one), so that this one starts no checkpointer
   * thread of its own. Default true.
   */
  checkpointWal?: boolean;
  /** SQLite files: the connection's page cache in MB (default 64); a connection that only appends needs less. */
  cacheMb?: number;
  /** SQLite files: statement journals in memory (`SqliteDriverOptions.tempStoreInMemory`), for a connection that only writes. */
  tempStoreInMemory?: boolean;
  /**
   * SQLite files: compact the metric write log in a worker thread with its own connection (ADR
   * 0016), as the server does; by default the event loop compacts it. In-memory databases always do.
   */
  compactMetricsInThread?: boolean;
}

/** Opens the store named by a database URL; PostgreSQL drivers are loaded only when asked for. */
export async function openStore(options: OpenStoreOptions): Promise<KeelStore> {
  const location = parseDatabaseUrl(options.databaseUrl);
  if (location.kind === 'postgres') {
    const { createPostgresDriver } = await import('./drivers/postgres-driver.ts');
    return createSqlStore(await createPostgresDriver({ connectionString: location.connectionString }));
  }
  if (location.kind === 'pglite') {
    const { createPgliteDriver } = await import('./drivers/pglite-driver.ts');
    return createSqlStore(await createPgliteDriver(location.dataDir === undefined ? {} : { dataDir: location.dataDir }));
  }
  const { checkpointWal, cacheMb, tempStoreInMemory } = options;
  const { filename } = location;
  const priority = options.compactMetricsInThread === true && isSharedSqliteFile(filename) ? writerPriority() : undefined;
  const driver = createSqliteDriver({ filename, ...(checkpointWal === undefined ? {} : { checkpointWal }), ...(cacheMb === undefined ? {} : { cacheMb }), ...(tempStoreInMemory === undefined ? {} : { tempStoreInMemory }), ...(priority === undefined ? {} : { priority }) });
  return createSqlStore(driver, priority === undefined ? {} : { metricCompactor: { filename, priority } });
}
