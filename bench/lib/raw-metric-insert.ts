import pg from 'pg';
import { openStore } from '@keel/store';
import type { MetricRow } from './metric-batches.ts';
import { parallel } from './parallel.ts';
import { createPostgresSchema } from './postgres-schema.ts';
import { preparedByRows, runRawInsertRounds, withRawSqlite } from './raw-insert-rounds.ts';

export interface RawInsertResult {
  what: string;
  points: number;
  elapsedMs: number;
  pointsPerSecond: number;
  /** Per 1,000-row batch (one transaction). */
  latenciesMs: Float64Array;
}

// The same statement shape the store uses: multi-row INSERTs of up to 500 rows.
const rowsPerStatement = 500;
const columns = 'INSERT INTO metric_points (run_pk, key, step, timestamp, value, is_nan) VALUES ';

/**
 * The one-row-per-point table Keel stored metrics in until migration 10 (ADR 0014), which is what
 * "a raw multi-row insert of the same rows" inserts into: WITHOUT ROWID on SQLite, the same key.
 */
function pointTableDdl(dialect: 'sqlite' | 'postgres'): string {
  return `CREATE TABLE metric_points (
  run_pk BIGINT NOT NULL, key TEXT NOT NULL, step BIGINT NOT NULL, timestamp BIGINT NOT NULL,
  value ${dialect === 'sqlite' ? 'REAL' : 'DOUBLE PRECISION'} NOT NULL, is_nan INTEGER NOT NULL,
  PRIMARY KEY (run_pk, key, step, timestamp, value, is_nan)
)${dialect === 'sqlite' ? ' WITHOUT ROWID' : ''}`;
}

function statement(rows: number, numbered: boolean): string {
  let sql = columns;
  for (let row = 0; row < rows; row += 1) {
    const at = row * 6;
    sql += row === 0 ? '' : ', ';
    sql += numbered ? `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6})` : '(?, ?, ?, ?, ?, ?)';
  }
  return sql;
}

function bind(runPk: number, rows: readonly MetricRow[]): (number | string)[] {
  const values: (number | string)[] = new Array<number | string>(rows.length * 6);
  let index = 0;
  for (const row of rows) {
    values[index++] = runPk;
    values[index++] = row.key;
    values[index++] = row.step;
    values[index++] = row.timestamp;
    values[index++] = row.value;
    values[index++] = 0;
  }
  return values;
}

/**
 * better-sqlite3 straight into a temp file made by the store's own migrations, plus the
 * one-row-per-point table (`pointTableDdl`), WAL, synchronous=NORMAL, one transaction per
 * 1,000-row batch, batches in the order the clients' batches interleave.
 */
export async function rawSqliteInsert(plan: readonly (readonly MetricRow[][])[]): Promise<RawInsertResult> {
  return withRawSqlite('raw-sqlite', (db) => {
    db.exec(pointTableDdl('sqlite'));
    const prepare = preparedByRows(db, (rows) => statement(rows, false));
    const insertBatch = db.transaction((runPk: number, rows: readonly MetricRow[]) => {
      for (let start = 0; start < rows.length; start += rowsPerStatement) {
        const chunk = rows.slice(start, start + rowsPerStatement);
        prepare(chunk.length).run(...bind(runPk, chunk));
      }
    });
    return runRawInsertRounds(db, 'metric_points', plan, (client, rows) => insertBatch(client + 1, rows));
  });
}

/**
 * node-postgres straight into a fresh schema made by the store's migrations, into the
 * one-row-per-point table (`pointTableDdl`): one connection per
 * client, as many clients as the Keel run, one transaction per 1,000-row batch.
 */
export async function rawPostgresInsert(baseUrl: string, plan: readonly (readonly MetricRow[][])[]): Promise<RawInsertResult> {
  const schema = await createPostgresSchema(baseUrl, 'raw');
  try {
    const store = await openStore({ databaseUrl: schema.url });
    await store.close();
    const pool = new pg.Pool({ connectionString: schema.url, max: plan.length });
    await pool.query(pointTableDdl('postgres'));
    const latencies: number[] = [];
    let points = 0;
    const started = performance.now();
    try {
      await parallel(plan.length, plan.length, async (client) => {
        const connection = await pool.connect();
        try {
          for (const rows of plan[client] ?? []) {
            const sent = performance.now();
            await connection.query('BEGIN');
            for (let start = 0; start < rows.length; start += rowsPerStatement) {
              const chunk = rows.slice(start, start + rowsPerStatement);
              await connection.query({ name: `raw_insert_${chunk.length}`, text: statement(chunk.length, true), values: bind(client + 1, chunk) });
            }
            await connection.query('COMMIT');
            latencies.push(performance.now() - sent);
            points += rows.length;
          }
        } finally {
          connection.release();
        }
      });
      const elapsedMs = performance.now() - started;
      const stored = Number((await pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM metric_points')).rows[0]?.n);
      if (stored !== points) throw new Error(`raw PostgreSQL insert stored ${stored} of ${points} rows`);
      return { what: `raw node-postgres insert (${plan.length} connections)`, points, elapsedMs, pointsPerSecond: (points / elapsedMs) * 1000, latenciesMs: Float64Array.from(latencies) };
    } finally {
      await pool.end();
    }
  } finally {
    await schema.drop();
  }
}
