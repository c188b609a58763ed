import Database from 'better-sqlite3';
import type { RawInsertResult } from './raw-metric-insert.ts';
import { preparedByRows, runRawInsertRounds, withRawSqlite } from './raw-insert-rounds.ts';

type SpanKey = { traceId: string; spanId: string };
type Cell = string | number | bigint | null | Buffer;

/**
 * The rows a Keel run stored, read back from its database, inserted again with better-sqlite3 into
 * a fresh file made by the store's own migrations (so `spans` has the same columns and indexes):
 * one multi-row INSERT and one transaction per request batch, batches in the order the exporters'
 * requests interleave. WAL, synchronous=NORMAL. Only `spans`: the per-trace summary Keel also keeps
 * up to date is part of what the comparison measures.
 */
export async function rawSpanInsert(keelDatabase: string, plan: readonly (readonly (readonly SpanKey[])[])[]): Promise<RawInsertResult> {
  const source = new Database(keelDatabase, { readonly: true, fileMustExist: true });
  const byKey = new Map<string, Cell[]>();
  let columns: string[];
  try {
    columns = (source.prepare('PRAGMA table_info(spans)').all() as { name: string }[]).map((column) => column.name);
    for (const row of source.prepare('SELECT * FROM spans').raw().iterate() as IterableIterator<Cell[]>) {
      const traceId = row[columns.indexOf('trace_id')];
      const spanId = row[columns.indexOf('span_id')];
      byKey.set(`${String(traceId)}/${String(spanId)}`, row);
    }
  } finally {
    source.close();
  }
  const batches = plan.map((client) => client.map((batch) => batch.map((span) => {
    const row = byKey.get(`${span.traceId}/${span.spanId}`);
    if (row === undefined) throw new Error(`span ${span.traceId}/${span.spanId} is not in the Keel database`);
    return row;
  })));
  byKey.clear();

  return withRawSqlite('raw-spans', (db) => {
    const placeholders = `(${columns.map(() => '?').join(', ')})`;
    const prepare = preparedByRows(db, (rows) => `INSERT INTO spans (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => placeholders).join(', ')}`);
    const insertBatch = db.transaction((rows: readonly Cell[][]) => {
      prepare(rows.length).run(...rows.flat());
    });
    return runRawInsertRounds(db, 'spans', batches, (_client, rows) => insertBatch(rows));
  });
}
