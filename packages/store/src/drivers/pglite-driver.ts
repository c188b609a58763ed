import type { PGlite, Transaction } from '@electric-sql/pglite';
import { type SqlDriver, type SqlExecutor, type SqlRow, type SqlValue, toNumberedPlaceholders } from './sql-driver.ts';

const INT8_OID = 20;
const parsers = { [INT8_OID]: (value: string) => Number(value) };

export interface PgliteDriverOptions {
  /** Where the database lives on disk; in memory when absent. */
  dataDir?: string;
  /**
   * A PGlite that is already started, used instead of starting one (tests share one instance and
   * give each store a schema of its own through search_path). close() leaves it open.
   */
  instance?: PGlite;
}

/** PostgreSQL compiled to WASM, in-process: the store contract suite's PostgreSQL without a server. */
export async function createPgliteDriver(options: PgliteDriverOptions = {}): Promise<SqlDriver> {
  const shared = options.instance;
  let db: PGlite;
  if (shared === undefined) {
    const { PGlite: PGliteClass } = await import('@electric-sql/pglite');
    db = new PGliteClass(options.dataDir, { parsers });
  } else {
    db = shared;
  }
  await db.waitReady;
  const executor = (client: PGlite | Transaction): SqlExecutor => ({
    dialect: 'postgres',
    all: async <T extends SqlRow>(sql: string, params?: readonly SqlValue[]) =>
      (await client.query<T>(toNumberedPlaceholders(sql), params === undefined ? [] : [...params], { parsers })).rows,
    run: async (sql: string, params?: readonly SqlValue[]) =>
      (await client.query(toNumberedPlaceholders(sql), params === undefined ? [] : [...params], { parsers })).affectedRows ?? 0,
  });
  return {
    ...executor(db),
    transaction: (work) => db.transaction((tx) => work(executor(tx))),
    exec: async (script) => {
      await db.exec(script);
    },
    close: async () => {
      if (shared === undefined) await db.close();
    },
  };
}
