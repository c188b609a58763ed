import type { SqlExecutor, SqlValue } from '../drivers/sql-driver.ts';

/**
 * The rows of `SELECT columns FROM from WHERE where ORDER BY orderBy`, each as an array of its
 * column values, read as one JSON text that the database aggregates.
 *
 * Handing a driver thousands of small rows costs about a microsecond a row and value on each
 * side (better-sqlite3 makes an object per row; node-postgres parses a message per row); one
 * aggregated text and `JSON.parse` cost a fraction of that. Both dialects write doubles with
 * enough digits to read back the same number (SQLite 3.53: 17 significant digits, infinities as
 * ±9.0e+999; PostgreSQL: shortest exact form, non-finite values as strings such as
 * `"Infinity"`), so a caller reads numbers with `Number()`. The ORDER BY inside the aggregate is
 * what orders the elements on both dialects.
 */
export async function selectJsonRows(db: SqlExecutor, columns: string, from: string, orderBy: string, params: readonly SqlValue[]): Promise<unknown[][]> {
  const aggregate = db.dialect === 'sqlite' ? `json_group_array(json_array(${columns}) ORDER BY ${orderBy})` : `json_agg(json_build_array(${columns}) ORDER BY ${orderBy})::text`;
  const [row] = await db.all<{ rows: string | null }>(`SELECT ${aggregate} AS rows FROM ${from}`, params);
  const text = row?.rows;
  return text === null || text === undefined ? [] : (JSON.parse(text) as unknown[][]);
}
