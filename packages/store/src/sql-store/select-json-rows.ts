import type { SqlExecutor, SqlValue } from '../drivers/sql-driver.ts';

export interface JsonRowsQuery {
  /** The selected columns, comma-separated: each row comes back as an array of their values. */
  columns: string;
  /** The table and its WHERE clause. */
  from: string;
  orderBy: string;
  params: readonly SqlValue[];
  /**
   * The same order as `orderBy` on SQLite, as a comparison of two rows. Given, SQLite feeds the
   * aggregate from an ordered subquery (read in index order, no sort), and the rows are checked
   * and sorted here should they ever come in another order; SQLite documents the order of
   * aggregated elements only for an ORDER BY inside the aggregate, which sorts in a temporary
   * B-tree. Not given, the ORDER BY goes inside the aggregate. PostgreSQL always orders inside
   * the aggregate (its text order is the database's collation).
   */
  sqliteOrder?: (a: unknown[], b: unknown[]) => number;
}

/**
 * The rows of `SELECT columns FROM from ORDER BY orderBy`, each as an array of its column values,
 * read as one JSON text that the database aggregates.
 *
 * Handing a driver thousands of small rows costs about a microsecond a row and value on each
 * side (better-sqlite3 makes an object per row; node-postgres parses a message per row); one
 * aggregated text and `JSON.parse` cost a fraction of that (ADR 0015). Both dialects write doubles
 * with enough digits to read back the same number (SQLite 3.53: 17 significant digits, infinities
 * as ±9.0e+999; PostgreSQL: shortest exact form, non-finite values as strings such as
 * `"Infinity"`), so a caller reads numbers with `Number()`.
 */
export async function selectJsonRows(db: SqlExecutor, query: JsonRowsQuery): Promise<unknown[][]> {
  const { columns, from, orderBy, params, sqliteOrder } = query;
  let sql: string;
  if (db.dialect === 'postgres') sql = `SELECT json_agg(json_build_array(${columns}) ORDER BY ${orderBy})::text AS rows FROM ${from}`;
  else if (sqliteOrder === undefined) sql = `SELECT json_group_array(json_array(${columns}) ORDER BY ${orderBy}) AS rows FROM ${from}`;
  else sql = `SELECT json_group_array(json_array(${columns})) AS rows FROM (SELECT ${columns} FROM ${from} ORDER BY ${orderBy})`;
  const [row] = await db.all<{ rows: string | null }>(sql, params);
  const text = row?.rows;
  const rows = text === null || text === undefined ? [] : (JSON.parse(text) as unknown[][]);
  if (db.dialect === 'sqlite' && sqliteOrder !== undefined) {
    for (let index = 1; index < rows.length; index += 1) {
      if (sqliteOrder(rows[index - 1] as unknown[], rows[index] as unknown[]) > 0) return rows.sort(sqliteOrder);
    }
  }
  return rows;
}

/** A code unit of UTF-16 moved so that comparing moved units orders strings by code point, as SQLite's BINARY collation (UTF-8 bytes) does. */
const codePointRank = (unit: number): number => (unit < 0xd800 ? unit : unit >= 0xe000 ? unit - 0x800 : unit + 0x2000);

/** Negative, zero or positive as `a` sorts before, with or after `b` by code point (SQLite's BINARY collation). */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const left = a.charCodeAt(index);
    const right = b.charCodeAt(index);
    if (left !== right) return codePointRank(left) - codePointRank(right);
  }
  return a.length - b.length;
}
