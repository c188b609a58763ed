/**
 * The port every SQL backend implements. Statements are written once with `?` placeholders;
 * a PostgreSQL driver rewrites them to `$n`. Values are numbers, strings, null or Buffers.
 */
export type SqlValue = number | string | bigint | null | Buffer;
export type SqlRow = Record<string, unknown>;
export type Dialect = 'sqlite' | 'postgres';

export interface SqlExecutor {
  readonly dialect: Dialect;
  /** Rows of a SELECT (or of a statement with RETURNING). */
  all<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface SqlDriver extends SqlExecutor {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

export async function first<T extends SqlRow>(executor: SqlExecutor, sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
  const rows = await executor.all<T>(sql, params);
  return rows[0];
}

/** `?` placeholders to `$1..$n`, leaving quoted strings alone. */
export function toNumberedPlaceholders(sql: string): string {
  let index = 0;
  let out = '';
  let quote: string | null = null;
  for (const char of sql) {
    if (quote !== null) {
      if (char === quote) quote = null;
      out += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      out += char;
    } else if (char === '?') {
      index += 1;
      out += `$${index}`;
    } else {
      out += char;
    }
  }
  return out;
}
