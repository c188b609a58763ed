import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { AsyncMutex } from './async-mutex.ts';
import { registerSqliteFunctions } from './sqlite-functions.ts';
import { startWalCheckpointer } from './wal-checkpointer.ts';
import type { SqlDriver, SqlExecutor, SqlRow, SqlValue } from './sql-driver.ts';

export interface SqliteDriverOptions {
  /** A file path, or ':memory:'. */
  filename: string;
}

/**
 * better-sqlite3 in WAL mode. The connection is synchronous, so a transaction that awaits between
 * statements would let other requests' statements run inside it: every statement outside a
 * transaction therefore waits until no transaction is open, and transactions run one at a time.
 */
export function createSqliteDriver(options: SqliteDriverOptions): SqlDriver {
  const db = new Database(options.filename);
  db.pragma('journal_mode = WAL');
  // NORMAL keeps every committed transaction across a crash of the process (the WAL is in the OS
  // page cache); only a power loss can take back the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  // MLflow's LIKE is case-sensitive; ILIKE is compiled to LOWER(..) LIKE LOWER(..).
  db.pragma('case_sensitive_like = ON');
  registerSqliteFunctions(db);
  const inMemory = options.filename === ':memory:' || options.filename === '';
  const checkpointer = inMemory ? undefined : startWalCheckpointer(options.filename);
  if (checkpointer !== undefined) {
    db.pragma('wal_autocheckpoint = 0');
    db.pragma('journal_size_limit = 67108864');
  }

  const statements = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      if (statements.size > 2000) statements.clear();
      statements.set(sql, statement);
    }
    return statement;
  };
  const bind = (params: readonly SqlValue[] | undefined): SqlValue[] => (params === undefined ? [] : [...params]);

  const direct: SqlExecutor = {
    dialect: 'sqlite',
    all: <T extends SqlRow>(sql: string, params?: readonly SqlValue[]) => {
      const statement = prepare(sql);
      if (!statement.reader) {
        statement.run(...bind(params));
        return Promise.resolve([] as T[]);
      }
      return Promise.resolve(statement.all(...bind(params)) as T[]);
    },
    run: (sql: string, params?: readonly SqlValue[]) => Promise.resolve(prepare(sql).run(...bind(params)).changes),
  };

  const mutex = new AsyncMutex();
  let closed = false;

  const outside = async <T>(work: () => Promise<T>): Promise<T> => {
    if (mutex.isLocked) await mutex.idle();
    return work();
  };

  return {
    dialect: 'sqlite',
    all: (sql, params) => outside(() => direct.all(sql, params)),
    run: (sql, params) => outside(() => direct.run(sql, params)),
    transaction: (work) =>
      mutex.runExclusive(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(direct);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      }),
    exec: (script) => outside(async () => void db.exec(script)),
    close: async () => {
      if (closed) return;
      closed = true;
      await mutex.idle();
      await checkpointer?.stop();
      statements.clear();
      db.close();
    },
  };
}
