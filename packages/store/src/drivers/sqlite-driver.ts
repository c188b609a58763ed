import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { GroupCommit } from './group-commit.ts';
import { registerSqliteFunctions } from './sqlite-functions.ts';
import { startWalCheckpointer } from './wal-checkpointer.ts';
import type { SqlDriver, SqlExecutor, SqlRow, SqlValue } from './sql-driver.ts';
import type { WriterPriority } from './writer-priority.ts';

export interface SqliteDriverOptions {
  /** A file path, or ':memory:'. */
  filename: string;
  /** False: another connection of this process checkpoints the WAL, so none is started here (automatic checkpoints stay off). Default true. */
  checkpointWal?: boolean;
  /** Page cache of this connection in MB. Default 64. */
  cacheMb?: number;
  /**
   * Statement journals (and temporary tables) in memory instead of temporary files: for a connection
   * that only writes (the span writer and metric compactor threads'), whose multi-row inserts inside
   * a group's savepoints journal every page they touch again. Default false: the main connection's
   * queries may sort more than memory should hold.
   */
  tempStoreInMemory?: boolean;
  /** Shared with a background writer of the same file (the metric compactor thread): raised while a group waits for the write lock. */
  priority?: WriterPriority;
}

/** The page size of a database file this driver creates. */
export const newFilePageSize = 16_384;

/** How long a statement waits for another connection's lock before SQLITE_BUSY. */
const busyTimeoutMs = 5000;
const isBusy = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'SQLITE_BUSY';

/**
 * better-sqlite3 in WAL mode. The connection is synchronous, so a transaction that awaits between
 * statements would let other requests' statements run inside it: every statement outside a
 * transaction therefore waits until no transaction is open, and transactions run one at a time.
 * Those queued in one turn of the event loop share one BEGIN and COMMIT (`group-commit.ts`).
 */
export function createSqliteDriver(options: SqliteDriverOptions): SqlDriver {
  const db = new Database(options.filename);
  // A new file gets 16 KiB pages, not SQLite's 4 KiB. Span rows are about 3 KB: the spans table took
  // 3,281 bytes a span instead of 3,768, and OTLP ingest ran about 15 % faster (ADR 0010, amendment
  // of 2026-11-30). The pragma must come before the file's first write; a file that exists keeps
  // the page size it was made with.
  db.pragma(`page_size = ${newFilePageSize}`);
  db.pragma('journal_mode = WAL');
  // NORMAL keeps every committed transaction across a crash of the process (the WAL is in the OS
  // page cache); only a power loss can take back the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // A pragma takes effect when it is compiled: changes of the busy timeout go through db.pragma
  // each time (a few µs), not a prepared statement. The connection waits while it opens; after
  // that its timeout is 0 (see `patiently`).
  const setBusyTimeout = (ms: number): void => void db.pragma(`busy_timeout = ${ms}`, { simple: true });
  setBusyTimeout(busyTimeoutMs);
  db.pragma(`cache_size = -${Math.round((options.cacheMb ?? 64) * 1024)}`);
  // On a temporary file, each statement's journal was written, then truncated when the statement
  // ended: 12 % of the span writer thread's CPU under OTLP ingest (ADR 0018, amendment of 2026-12-01).
  if (options.tempStoreInMemory === true) db.pragma('temp_store = MEMORY');
  // MLflow's LIKE is case-sensitive; ILIKE is compiled to LOWER(..) LIKE LOWER(..).
  db.pragma('case_sensitive_like = ON');
  registerSqliteFunctions(db);
  const inMemory = options.filename === ':memory:' || options.filename === '';
  const checkpointer = inMemory || options.checkpointWal === false ? undefined : startWalCheckpointer(options.filename);
  if (!inMemory) {
    db.pragma('wal_autocheckpoint = 0');
    // No truncation of the WAL file (SQLite's default): with a limit, the first COMMIT after the
    // checkpointer's RESTART cut a 1 GiB WAL back to it, and took 479 ms under OTLP ingest, every
    // write of the file waiting (ADR 0003, amendment of 2026-12-01). The file keeps the size the
    // WAL reached, at most about the RESTART bound, and goes when the last connection closes.
    db.pragma('journal_size_limit = -1');
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

  const statement = (sql: string): (() => void) => {
    const prepared = db.prepare(sql);
    return () => void prepared.run();
  };
  const { priority } = options;
  /** Runs `work` with the busy timeout on: it waits (blocking) for another connection's lock. */
  const patiently = <T>(work: () => T): T => {
    setBusyTimeout(busyTimeoutMs);
    try {
      return work();
    } finally {
      setBusyTimeout(0);
    }
  };
  const beginImmediate = statement('BEGIN IMMEDIATE');
  const committer = new GroupCommit<SqlExecutor>(
    {
      begin: () => {
        try {
          beginImmediate();
        } finally {
          priority?.served();
        }
      },
      tryBegin: () => {
        setBusyTimeout(0);
        try {
          beginImmediate();
          priority?.served();
          return true;
        } catch (error) {
          if (!isBusy(error)) throw error;
          priority?.waiting();
          return false;
        } finally {
                }
      },
      commit: statement('COMMIT'),
      rollback: statement('ROLLBACK'),
      savepoint: statement('SAVEPOINT grouped'),
      release: statement('RELEASE SAVEPOINT grouped'),
      rollbackToSavepoint: statement('ROLLBACK TO SAVEPOINT grouped'),
      get inTransaction() {
        return db.inTransaction;
      },
    },
    direct,
  );
  let closed = false;
  const outside = <T>(work: () => Promise<T>): Promise<T> => committer.outside(work);
  /**
   * Statements outside the group commit's transactions: a write waits for another connection's
   * write lock as long as the busy timeout allows (it blocks the thread, as before; they are rare
   * on hot paths); a read (WAL readers take no lock a writer holds) runs without waiting, and only
   * should it meet SQLITE_BUSY (another connection recovering the WAL) runs again, waiting.
   */
  const outsideStatement = <T>(sql: string, work: () => Promise<T>): Promise<T> =>
    outside(() => {
      if (prepare(sql).readonly) {
        try {
          return work();
        } catch (error) {
          if (!isBusy(error)) throw error;
        }
      }
      return patiently(work);
    });
  // Only waits that a caller asked for block: group transactions wait for the lock on timers.
  setBusyTimeout(0);

  return {
    dialect: 'sqlite',
    all: (sql, params) => outsideStatement(sql, () => direct.all(sql, params)),
    run: (sql, params) => outsideStatement(sql, () => direct.run(sql, params)),
    transaction: (work) => committer.transaction(work),
    exec: (script) => outside(async () => patiently(() => void db.exec(script))),
    close: async () => {
      if (closed) return;
      closed = true;
      await committer.idle();
      await checkpointer?.stop();
      statements.clear();
      db.close();
    },
  };
}
