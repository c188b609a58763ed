import type { PGlite, Transaction } from '@electric-sql/pglite';
import { type SqlDriver, type SqlExecutor, type SqlRow, type SqlValue, toNumberedPlaceholders } from './sql-driver.ts';

const INT8_OID = 20;

/** PostgreSQL compiled to WASM, in-process: the store contract suite's PostgreSQL without a server. */
export async function createPgliteDriver(options: { dataDir?: string } = {}): Promise<SqlDriver> {
  const { PGlite: PGliteClass } = await import('@electric-sql/pglite');
  const db: PGlite = new PGliteClass(options.dataDir, { parsers: { [INT8_OID]: (value: string) => Number(value) } });
  await db.waitReady;
  const executor = (client: PGlite | Transaction): SqlExecutor => ({
    dialect: 'postgres',
    all: async <T extends SqlRow>(sql: string, params?: readonly SqlValue[]) =>
      (await client.query<T>(toNumberedPlaceholders(sql), params === undefined ? [] : [...params])).rows,
    run: async (sql: string, params?: readonly SqlValue[]) =>
      (await client.query(toNumberedPlaceholders(sql), params === undefined ? [] : [...params])).affectedRows ?? 0,
  });
  return {
    ...executor(db),
    transaction: (work) => db.transaction((tx) => work(executor(tx))),
    exec: async (script) => {
      await db.exec(script);
    },
    close: async () => {
      await db.close();
    },
  };
}
