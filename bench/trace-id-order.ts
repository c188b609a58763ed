import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { timeOrderedTraceId } from '@keel/core';
import type { ProjectSpan } from '@keel/spec';
import { createSqliteDriver, createSqlStore } from '@keel/store';
import { formatNumber } from './lib/format-number.ts';
import { genAiTrace, type PlannedSpan } from './lib/gen-ai-trace.ts';
import { seededRandom } from './lib/metric-batches.ts';
import { printTable } from './lib/print-table.ts';
import { note } from './lib/progress.ts';
import { runIfMain } from './lib/run-if-main.ts';
import { checkpointWal } from './lib/seed-trace-spans.ts';
import { createSpanIds } from './lib/span-ids.ts';
import { makeTempDir, removeTempDir } from './lib/temp-dir.ts';
import { toSpanRecord } from './lib/to-span-record.ts';

type IdOrder = 'random' | 'time-ordered';


const perCall = 500;
const segments = 4;

/**
 * One fresh store, `spans` one-span traces (LLM spans with short messages, as the gateway writes a
 * call) inserted by `store.insertSpans` in calls of 500 (the gateway's span batch), the trace ids
 * random or time-ordered: spans/s per quarter of the table's growth. Between quarters the WAL is
 * checkpointed away, untimed, so each quarter starts with an empty WAL.
 */
async function insertTraces(dir: string, order: IdOrder, spans: number, run: number): Promise<number[]> {
  const file = path.join(dir, `${order}-${run}.db`);
  const store = await createSqlStore(createSqliteDriver({ filename: file }));
  const random = seededRandom(11);
  const templates = Array.from({ length: 200 }, () => genAiTrace(random, createSpanIds(), 0, { textScale: 0.2 }).find((span) => span.kind === 'llm')).filter((span): span is PlannedSpan => span !== undefined);
  const results: number[] = [];
  try {
    const project = await store.createProject('bench', Date.now());
    let atMs = Date.now();
    const perSegment = Math.ceil(spans / segments / perCall) * perCall;
    for (let segment = 0; segment < segments; segment += 1) {
      const started = performance.now();
      for (let done = 0; done < perSegment; done += perCall) {
        const batch: ProjectSpan[] = [];
        for (let index = 0; index < perCall; index += 1) {
          atMs += 0.3;
          const template = templates[(done + index) % templates.length] as PlannedSpan;
          const traceId = order === 'random' ? randomBytes(16).toString('hex') : timeOrderedTraceId(atMs);
          batch.push({ projectId: project.id, span: toSpanRecord({ ...template, traceId, spanId: randomBytes(8).toString('hex'), parentSpanId: null, startMs: atMs }) });
        }
        await store.insertSpans(batch);
      }
      const elapsedMs = performance.now() - started;
      checkpointWal(file);
      results.push((perSegment / elapsedMs) * 1000);
    }
  } finally {
    await store.close();
  }
  return results;
}

/**
 * Random trace ids against time-ordered ones (decision 0017): what each costs `store.insertSpans` as
 * the spans table grows, in fresh SQLite files, two rounds interleaved. Runs alone, not in run-all.
 */
export async function traceIdOrder(spans = Number(process.env.KEEL_BENCH_TRACE_ID_SPANS ?? 200_000)): Promise<void> {
  note(`\n== trace id order: ${formatNumber(spans)} one-span traces per file, ${perCall} per store.insertSpans call, random against time-ordered trace ids, 2 rounds`);
  const dir = await makeTempDir('trace-id-order');
  try {
    const rows: string[][] = [];
    for (let round = 1; round <= 2; round += 1) {
      for (const order of ['random', 'time-ordered'] as const) {
        const results = await insertTraces(dir, order, spans, round);
        note(`  round ${round}, ${order}: ${results.map((result) => formatNumber(result)).join(' / ')} spans/s`);
        rows.push([`${order} (round ${round})`, ...results.map((result) => formatNumber(result))]);
      }
    }
    const quarter = (index: number): string => `${formatNumber((spans / segments) * index / 1000)}-${formatNumber((spans / segments) * (index + 1) / 1000)}k`;
    const quarters = Array.from({ length: segments }, (_unused, index) => quarter(index));
    printTable(
      'store.insertSpans of one-span traces (spans/s), by spans already stored',
      ['trace ids', ...quarters],
      rows,
    );
  } finally {
    await removeTempDir(dir);
  }
}

runIfMain(import.meta.url, () => traceIdOrder());
