import type { Pool, PoolClient, QueryResult } from 'pg';
import { type SqlDriver, type SqlExecutor, type SqlRow, type SqlValue, toNumberedPlaceholders } from './sql-driver.ts';

export interface PostgresDriverOptions {
  connectionString: string;
  maxConnections?: number;
}

const INT8_OID = 20;
const maxAttempts = 4;

/** Deadlock detected, or a serialization failure. */
function isRetryableConflict(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '40P01' || code === '40001';
}

/** node-postgres, loaded only when a PostgreSQL URL is configured. */
export async function createPostgresDriver(options: PostgresDriverOptions): Promise<SqlDriver> {
  const pg = (await import('pg')).default;
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
  };
  const pool: Pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10, types });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use.
  });
  const sqlCache = new Map<string, string>();
  const numbered = (sql: string): string => {
    let text = sqlCache.get(sql);
    if (text === undefined) {
      text = toNumberedPlaceholders(sql);
      if (sqlCache.size > 2000) sqlCache.clear();
      sqlCache.set(sql, text);
    }
    return text;
  };
  const executor = (client: Pool | PoolClient): SqlExecutor => ({
    dialect: 'postgres',
    all: async <T extends SqlRow>(sql: string, params?: readonly SqlValue[]) => {
      const result: QueryResult = await client.query(numbered(sql), params === undefined ? [] : [...params]);
      return result.rows as T[];
    },
    run: async (sql: string, params?: readonly SqlValue[]) => {
      const result = await client.query(numbered(sql), params === undefined ? [] : [...params]);
      return result.rowCount ?? 0;
    },
  });
  const direct = executor(pool);
  return {
    ...direct,
    transaction: async (work) => {
      // Concurrent writers to the same rows (two servers logging to one run) can deadlock; PostgreSQL
      // aborts one of them, and the transaction body only touches the database, so it is re-run.
      for (let attempt = 1; ; attempt += 1) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await work(executor(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          if (attempt >= maxAttempts || !isRetryableConflict(error)) throw error;
        } finally {
          client.release();
        }
      }
    },
    exec: async (script) => {
      await pool.query(script);
    },
    close: async () => {
      await pool.end();
    },
  };
}
