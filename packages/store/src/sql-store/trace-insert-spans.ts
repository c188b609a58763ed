import type { PackedProjectSpan, ProjectSpan, TraceStore } from '@keel/spec';
import type { SqlDriver, SqlExecutor, SqlValue } from '../drivers/sql-driver.ts';
import { packSpanRaw, pushSpanParams, spanColumns } from './trace-span-row.ts';
import { summarizeSpans, upsertTraceSummaries } from './trace-summaries.ts';
import { applyGenerationDaily, type GenerationContribution } from './generation-daily.ts';
import { sequenceGenerations } from './span-chunks.ts';

// 500 rows x 33 columns = 16,500 parameters: under SQLite's 32,766 and PostgreSQL's 65,535.
// Chunks come in a few fixed sizes, so that the driver's prepared statements (cached by their SQL
// text) are reused instead of preparing a new multi-row INSERT for every batch length.
const chunkSizes = [500, 256, 128, 64, 32, 16, 8, 4, 2, 1] as const;

function chunkLengths(total: number): number[] {
  const lengths: number[] = [];
  let left = total;
  while (left > 0) {
    const size = chunkSizes.find((candidate) => candidate <= left) ?? 1;
    lengths.push(size);
    left -= size;
  }
  return lengths;
}
const rowPlaceholder = `(${spanColumns.map(() => '?').join(', ')})`;
const insertSql = (rows: number): string =>
  `INSERT INTO spans (${spanColumns.join(', ')}) VALUES ${Array.from({ length: rows }, () => rowPlaceholder).join(', ')} ON CONFLICT DO NOTHING`;

type SpanToInsert = ProjectSpan | PackedProjectSpan;

const spanKey = (item: SpanToInsert): string => `${item.projectId}/${item.span.traceId}/${item.span.spanId}`;

/** The spans of `chunk` that the insert actually stored; a span already there (an exporter's retry) is not. */
async function insertChunk(tx: SqlExecutor, chunk: readonly SpanToInsert[], seqs: ReadonlyMap<SpanToInsert, number>): Promise<readonly SpanToInsert[]> {
  const params: SqlValue[] = [];
  for (const item of chunk) pushSpanParams(params, item.projectId, item.span, 'rawText' in item ? item.rawText : packSpanRaw(item.span), seqs.get(item) ?? null);
  // Usually every span is new: then the rows inserted are the chunk itself, and RETURNING would
  // only cost time. When some span was already stored, undo the chunk and insert it again with
  // RETURNING, so that the summaries never count a span twice.
  await tx.run('SAVEPOINT span_chunk');
  if ((await tx.run(insertSql(chunk.length), params)) === chunk.length) {
    await tx.run('RELEASE SAVEPOINT span_chunk');
    return chunk;
  }
  await tx.run('ROLLBACK TO SAVEPOINT span_chunk');
  await tx.run('RELEASE SAVEPOINT span_chunk');
  const rows = await tx.all(`${insertSql(chunk.length)} RETURNING project_id, trace_id, span_id`, params);
  const inserted = new Set(rows.map((row) => `${Number(row.project_id)}/${String(row.trace_id)}/${String(row.span_id)}`));
  return chunk.filter((item) => inserted.has(spanKey(item)));
}

export function createInsertSpans(db: SqlDriver): TraceStore['insertSpans'] {
  return async (spans) => {
    if (spans.length === 0) return;
    // A span twice in one request is stored once. Sorting fixes the order in which concurrent
    // PostgreSQL transactions take unique-index locks, so they wait for each other instead of deadlocking.
    const unique = new Map<string, SpanToInsert>();
    for (const item of spans) {
      const key = spanKey(item);
      if (!unique.has(key)) unique.set(key, item);
    }
    const sorted = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);
    await db.transaction(async (tx) => {
      // A span that is already stored leaves its number unused; the chunks still cover it.
      const seqs = await sequenceGenerations(tx, sorted);
      const inserted: SpanToInsert[] = [];
      let start = 0;
      for (const length of chunkLengths(sorted.length)) {
        inserted.push(...(await insertChunk(tx, sorted.slice(start, start + length), seqs)));
        start += length;
      }
      await upsertTraceSummaries(tx, summarizeSpans(inserted));
      const generations: GenerationContribution[] = [];
      for (const { projectId, span } of inserted) if (span.model !== null) generations.push({ projectId, ...span, model: span.model });
      await applyGenerationDaily(tx, generations, 1);
    });
  };
}
