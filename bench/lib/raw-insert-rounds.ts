import path from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteDriver, runMigrations } from '@keel/store';
import type { RawInsertResult } from './raw-metric-insert.ts';
import { makeTempDir, removeTempDir } from './temp-dir.ts';

/**
 * Runs `use` on a fresh SQLite file made by the store's own migrations (so tables and indexes are
 * the store's), opened straight with better-sqlite3 and tuned as the store is; removed afterwards.
 */
export async function withRawSqlite<T>(label: string, use: (db: Database.Database) => T): Promise<T> {
  const dir = await makeTempDir(label);
  const filename = path.join(dir, 'raw.db');
  const driver = createSqliteDriver({ filename });
  await runMigrations(driver);
  await driver.close();
  const db = new Database(filename);
  try {
    tuneRawSqlite(db);
    return use(db);
  } finally {
    db.close();
    await removeTempDir(dir);
  }
}

/** The fast-insert settings of the raw baselines: WAL, synchronous=NORMAL, a 64 MiB cache (as the store uses). */
function tuneRawSqlite(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
}

/** One prepared multi-row statement per row count, made on first use. */
export function preparedByRows(db: Database.Database, sqlFor: (rows: number) => string): (rows: number) => Database.Statement {
  const prepared = new Map<number, Database.Statement>();
  return (rows) => {
    let found = prepared.get(rows);
    if (found === undefined) {
      found = db.prepare(sqlFor(rows));
      prepared.set(rows, found);
    }
    return found;
  };
}

/**
 * Inserts every client's batches round-robin, as concurrent clients' requests reach one writer:
 * round r of each client, then round r + 1. Times each batch, then checks that `table` holds every row.
 */
export function runRawInsertRounds<Rows extends { length: number }>(db: Database.Database, table: string, plan: readonly (readonly Rows[])[], insert: (client: number, rows: Rows) => void): RawInsertResult {
  const rounds = Math.max(...plan.map((batches) => batches.length));
  const latencies: number[] = [];
  let points = 0;
  const started = performance.now();
  for (let round = 0; round < rounds; round += 1) {
    plan.forEach((batches, client) => {
      const rows = batches[round];
      if (rows === undefined) return;
      const sent = performance.now();
      insert(client, rows);
      latencies.push(performance.now() - sent);
      points += rows.length;
    });
  }
  const elapsedMs = performance.now() - started;
  const stored = (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  if (stored !== points) throw new Error(`raw insert into ${table} stored ${stored} of ${points} rows`);
  return { what: 'raw better-sqlite3 insert', points, elapsedMs, pointsPerSecond: (points / elapsedMs) * 1000, latenciesMs: Float64Array.from(latencies) };
}
