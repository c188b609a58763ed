import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteDriver, createSqlStore, runMigrations } from '@keel/store';
import { formatNumber, formatPercent } from './lib/format-number.ts';
import { keelSpanRows, type KeelSpanRows, type SpanCell } from './lib/keel-span-rows.ts';
import { otlpTraceBatches } from './lib/otlp-trace-batches.ts';
import { printTable } from './lib/print-table.ts';
import { note } from './lib/progress.ts';
import { preparedByRows } from './lib/raw-insert-rounds.ts';
import { runIfMain } from './lib/run-if-main.ts';
import { createSpanIds } from './lib/span-ids.ts';
import { makeTempDir, removeTempDir } from './lib/temp-dir.ts';

/**
 * What a raw insert of Keel's span rows pays for (ADR 0010): the rows the OTLP ingest bench's
 * requests become, inserted with better-sqlite3 into a fresh file made by the store's migrations
 * (one 100-row INSERT and transaction per request, as the ingest bench's baseline), once per
 * variant of the schema, the row or the settings. Not a figure with a target: a table to decide by.
 */
interface Variant {
  name: string;
  /** Set before the migrations create any table. */
  pageSize?: number;
  cacheKib?: number;
  /** Schema changes after the migrations. */
  ddl?: string;
  /** The row to insert instead of the stored one. */
  row?: (row: SpanCell[], index: { column: (name: string) => number; wholeRaw: () => string }) => SpanCell[];
  /** Requests per transaction (default 1). */
  perTransaction?: number;
}

const replaced = (row: SpanCell[], changes: readonly (readonly [number, SpanCell])[]): SpanCell[] => {
  const copy = [...row];
  for (const [at, value] of changes) copy[at] = value;
  return copy;
};

const variants: Variant[] = [
  { name: 'as stored now (migration 8)' },
  // Keel's connections never checkpoint inside a COMMIT (a thread does, ADR 0009); the baselines here do, every 1,000 pages.
  { name: 'no checkpoint inside COMMIT', ddl: 'PRAGMA wal_autocheckpoint = 0' },
  { name: 'no checkpoint inside COMMIT, no generations', ddl: 'PRAGMA wal_autocheckpoint = 0; DROP INDEX spans_generations' },
  { name: 'before: raw whole, with spans_by_start', ddl: 'CREATE INDEX spans_by_start ON spans (project_id, start_us)', row: (row, at) => replaced(row, [[at.column('raw'), at.wholeRaw()]]) },
  { name: 'raw whole (message text twice)', row: (row, at) => replaced(row, [[at.column('raw'), at.wholeRaw()]]) },
  { name: 'with spans_by_start', ddl: 'CREATE INDEX spans_by_start ON spans (project_id, start_us)' },
  { name: 'without spans_generations', ddl: 'DROP INDEX spans_generations' },
  {
    name: 'generations keyed by start (before migration 14)',
    ddl: 'DROP INDEX spans_generations; CREATE INDEX spans_generations ON spans (project_id, start_us, model, provider, user_id, prompt_name, prompt_version, service_name, gateway_key, trace_id, latency_ms, cost, input_tokens, output_tokens) WHERE model IS NOT NULL',
  },
  { name: 'without spans_by_prompt', ddl: 'DROP INDEX spans_by_prompt' },
  { name: 'no input/output columns, raw whole', row: (row, at) => replaced(row, [[at.column('input'), null], [at.column('output'), null], [at.column('raw'), at.wholeRaw()]]) },
  { name: 'random trace ids', row: (row, at) => replaced(row, [[at.column('trace_id'), createHash('md5').update(String(row[at.column('trace_id')])).digest('hex')]]) },
  { name: 'page_size 8192', pageSize: 8192 },
  { name: 'page_size 16384', pageSize: 16384 },
  { name: 'cache_size 256 MiB', cacheKib: 262_144 },
  { name: '8 requests per transaction', perTransaction: 8 },
];

interface Outcome {
  spansPerSecond: number;
  bytesPerSpan: number;
  /** Bytes this process wrote (write calls: WAL frames and checkpoints) per span; NaN where /proc is missing. */
  writtenPerSpan: number;
}

/** `wchar` of /proc/self/io: bytes passed to write calls so far, or NaN off Linux. */
function bytesWritten(): number {
  try {
    const match = /^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return match === null ? Number.NaN : Number(match[1]);
  } catch {
    return Number.NaN;
  }
}

async function freshDatabase(file: string, variant: Variant): Promise<Database.Database> {
  if (variant.pageSize !== undefined) {
    const empty = new Database(file);
    empty.pragma(`page_size = ${variant.pageSize}`);
    // The page size is fixed when the first page is written.
    empty.exec('CREATE TABLE page_size_set (x); DROP TABLE page_size_set');
    empty.close();
  }
  const driver = createSqliteDriver({ filename: file });
  await runMigrations(driver);
  await driver.close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`cache_size = -${variant.cacheKib ?? 65_536}`);
  if (variant.ddl !== undefined) db.exec(variant.ddl);
  return db;
}

/** The requests in the order 8 exporters' requests interleave (round r of each, then r + 1). */
function interleaved<T>(requests: readonly T[], exporters: number): T[] {
  const perExporter = Math.ceil(requests.length / exporters);
  const order: T[] = [];
  for (let round = 0; round < perExporter; round += 1) {
    for (let exporter = 0; exporter < exporters; exporter += 1) {
      const request = requests[exporter * perExporter + round];
      if (request !== undefined) order.push(request);
    }
  }
  return order;
}

async function runVariant(dir: string, source: KeelSpanRows, variant: Variant, run: number): Promise<Outcome> {
  const file = path.join(dir, `variant-${run}.db`);
  const db = await freshDatabase(file, variant);
  try {
    const column = (name: string): number => source.columns.indexOf(name);
    const requests = source.rows.map((rows, request) =>
      rows.map((row, index) => (variant.row === undefined ? row : variant.row(row, { column, wholeRaw: () => JSON.stringify(source.records[request]?.[index]?.span.raw) }))),
    );
    const placeholders = `(${source.columns.map(() => '?').join(', ')})`;
    const prepare = preparedByRows(db, (rows) => `INSERT INTO spans (${source.columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => placeholders).join(', ')} ON CONFLICT DO NOTHING`);
    const insert = db.transaction((group: readonly SpanCell[][][]) => {
      for (const rows of group) prepare(rows.length).run(...rows.flat());
    });
    const order = interleaved(requests, 8);
    const perTransaction = variant.perTransaction ?? 1;
    const spans = order.reduce((total, rows) => total + rows.length, 0);
    const started = performance.now();
    const writtenBefore = bytesWritten();
    for (let at = 0; at < order.length; at += perTransaction) insert(order.slice(at, at + perTransaction));
    const elapsedMs = performance.now() - started;
    const written = bytesWritten() - writtenBefore;
    const stored = (db.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }).n;
    if (stored !== spans) throw new Error(`${variant.name}: stored ${stored} of ${spans} spans`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { spansPerSecond: (spans / elapsedMs) * 1000, bytesPerSpan: statSync(file).size / spans, writtenPerSpan: written / spans };
  } finally {
    db.close();
  }
}

/** Keel's own store call on the same requests (spans, trace summaries, daily generation sums), one call per request. */
async function runStoreInsert(dir: string, source: KeelSpanRows, run: number): Promise<Outcome> {
  const file = path.join(dir, `store-${run}.db`);
  const store = await createSqlStore(createSqliteDriver({ filename: file }));
  try {
    const project = await store.createProject('bench', Date.now());
    const order = interleaved(source.records, 8);
    const spans = order.reduce((total, batch) => total + batch.length, 0);
    const started = performance.now();
    for (const batch of order) await store.insertSpans(batch.map((item) => ({ projectId: project.id, span: item.span })));
    const elapsedMs = performance.now() - started;
    return { spansPerSecond: (spans / elapsedMs) * 1000, bytesPerSpan: Number.NaN, writtenPerSpan: Number.NaN };
  } finally {
    await store.close();
  }
}

export async function spanStorageVariants(requests = Number(process.env.KEEL_BENCH_VARIANT_REQUESTS ?? 320)): Promise<void> {
  note(`\n== span storage variants: ${requests} requests of 100 GenAI spans, raw better-sqlite3 inserts, best of 2 rounds`);
  const dir = await makeTempDir('span-variants');
  try {
    const source = await keelSpanRows(dir, otlpTraceBatches(requests, 100, createSpanIds(), 1));
    const lengths = (name: string): number => {
      const at = source.columns.indexOf(name);
      const rows = source.rows.flat();
      return rows.reduce((total, row) => total + String(row[at] ?? '').length, 0) / rows.length;
    };
    note(`  stored per span: input ${formatNumber(lengths('input'))}, output ${formatNumber(lengths('output'))}, raw ${formatNumber(lengths('raw'))} characters`);
    const best = new Map<string, Outcome>();
    let run = 0;
    for (let round = 0; round < 2; round += 1) {
      for (const variant of variants) {
        const outcome = await runVariant(dir, source, variant, run++);
        const previous = best.get(variant.name);
        if (previous === undefined || outcome.spansPerSecond > previous.spansPerSecond) best.set(variant.name, outcome);
      }
      const store = await runStoreInsert(dir, source, run++);
      const previous = best.get('store.insertSpans (Keel, as stored now)');
      if (previous === undefined || store.spansPerSecond > previous.spansPerSecond) best.set('store.insertSpans (Keel, as stored now)', store);
    }
    const reference = best.get(variants[0]?.name ?? '')?.spansPerSecond ?? Number.NaN;
    printTable(
      `span storage variants (${formatNumber(requests * 100)} spans, 100 per INSERT)`,
      ['variant', 'spans/s', 'vs as stored now', 'bytes/span on disk', 'bytes written/span'],
      [...best].map(([name, outcome]) => [
        name, formatNumber(outcome.spansPerSecond), formatPercent((outcome.spansPerSecond / reference) * 100),
        Number.isNaN(outcome.bytesPerSpan) ? '-' : formatNumber(outcome.bytesPerSpan), Number.isNaN(outcome.writtenPerSpan) ? '-' : formatNumber(outcome.writtenPerSpan),
      ]),
    );
  } finally {
    await removeTempDir(dir);
  }
}

runIfMain(import.meta.url, () => spanStorageVariants());
