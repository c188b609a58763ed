import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AggregateGroup, KeelStore } from '@keel/spec';
import { openStore } from '@keel/store';
import { type BenchResult, type Figure, printFigures } from './lib/figure.ts';
import { formatMs, formatNumber } from './lib/format-number.ts';
import { genAiModels } from './lib/gen-ai-models.ts';
import { KeelClient } from './lib/keel-client.ts';
import { startKeelServer } from './lib/keel-server.ts';
import { requireNoErrors, runLoad } from './lib/load-generator.ts';
import { type LatencySummary, summarizeLatencies } from './lib/percentiles.ts';
import { note } from './lib/progress.ts';
import { runIfMain } from './lib/run-if-main.ts';
import { checkpointWal, seedTraceSpans } from './lib/seed-trace-spans.ts';
import { makeTempDir, removeTempDir } from './lib/temp-dir.ts';
import { writeResult } from './lib/write-result.ts';

export interface TraceQueryLatencyOptions {
  /** KEEL_BENCH_TRACE_SPANS, default 1,000,000. */
  spans?: number;
  days?: number;
  /** Sequential trace-list queries (one day, one model). */
  listQueries?: number;
  /** Sequential runs of each aggregate over the whole window. */
  aggregateQueries?: number;
}

const dayMs = 86_400_000;
// A fixed window (UTC midnights), so that "one day" is a whole day of the seed whatever the clock says.
const windowEndMs = Date.UTC(2025, 5, 1);

interface Query {
  label: string;
  path: string;
  inProcess: (store: KeelStore) => Promise<unknown>;
}

const fileMb = (file: string): number => (existsSync(file) ? statSync(file).size / 1024 / 1024 : 0);

async function timeInProcess(store: KeelStore, query: Query, count: number): Promise<LatencySummary> {
  const latencies: number[] = [];
  for (let index = 0; index < count + 2; index += 1) {
    const started = performance.now();
    await query.inProcess(store);
    if (index >= 2) latencies.push(performance.now() - started);
  }
  return summarizeLatencies(latencies);
}

/**
 * Tracing figure 2: queries over 1,000,000 stored spans (30 days, ~4.5 spans per trace, 20 models):
 * the trace list of one day filtered by model, and generation cost per model and per day over the
 * whole window. Baseline: the same store calls in-process (no HTTP), and GET /health.
 */
export async function traceQueryLatency(options: TraceQueryLatencyOptions = {}): Promise<BenchResult> {
  const spans = options.spans ?? (Number(process.env.KEEL_BENCH_TRACE_SPANS) || 1_000_000);
  const days = options.days ?? 30;
  const listQueries = options.listQueries ?? 100;
  const aggregateQueries = options.aggregateQueries ?? 5;
  const bench = 'trace queries';
  note(`\n== ${bench} (sqlite): ${formatNumber(spans)} spans over ${days} days, trace list of one day by model, cost per model and per day`);
  const home = await makeTempDir('trace-query');
  try {
    // The first start creates the project and the key; the seed then goes into that project.
    const first = await startKeelServer({ home });
    await first.stop();
    const database = path.join(home, 'keel.db');
    let store = await openStore({ databaseUrl: database });
    const fromMs = windowEndMs - days * dayMs;
    const models = genAiModels.map((model) => model.response);
    // Day d and model m of list query i: every day and every model gets its turn.
    const listWindow = (index: number) => ({ fromMs: fromMs + (index % days) * dayMs, toMs: fromMs + ((index % days) + 1) * dayMs, model: models[(index * 7) % models.length] ?? 'gpt-4o' });
    const aggregate = (groupBy: AggregateGroup, model?: string): Query => ({
      label: `cost per ${groupBy}${model === undefined ? '' : ` (${model})`}, ${days} days`,
      path: `/api/v1/trace-metrics?from=${fromMs}&to=${windowEndMs}&groupBy=${groupBy}${model === undefined ? '' : `&model=${encodeURIComponent(model)}`}`,
      inProcess: (s) => s.aggregate(projectId, { fromUs: fromMs * 1000, toUs: windowEndMs * 1000, groupBy, model }),
    });
    let projectId = 0;
    let seeded = 0;
    let seedMs = 0;
    let walMbAfterSeed = 0;
    // The issue's figure: cost per model per day over everything, sums only (GET /api/v1/trace-costs).
    // The full aggregates (distinct traces, exact latency percentiles) are shown beside it.
    const costs: Query = {
      label: `cost per model per day (sums), ${days} days`,
      path: `/api/v1/trace-costs?from=${fromMs}&to=${windowEndMs}&groupBy=model,day`,
      inProcess: (s) => s.costTotals(projectId, { fromUs: fromMs * 1000, toUs: windowEndMs * 1000, groupBy: ['model', 'day'] }),
    };
    // By user the daily sums do not serve (they keep no users, ADR 0019): every generation of the window is read.
    const costsByUser: Query = {
      label: `cost per user (sums), ${days} days`,
      path: `/api/v1/trace-costs?from=${fromMs}&to=${windowEndMs}&groupBy=user`,
      inProcess: (s) => s.costTotals(projectId, { fromUs: fromMs * 1000, toUs: windowEndMs * 1000, groupBy: ['user'] }),
    };
    const perModel = aggregate('model');
    const aggregates = [costs, costsByUser, perModel, aggregate('day'), aggregate('day', 'gpt-4o-2024-08-06')];
    const inProcess: Record<string, LatencySummary> = {};
    let listRowsSeen = 0;
    try {
      const project = await store.getProjectByName('default');
      if (project === undefined) throw new Error('the server did not create the default project');
      projectId = project.id;
      const seedStarted = performance.now();
      seeded = await seedTraceSpans(store, { projectId, spans, days, windowEndMs });
      seedMs = performance.now() - seedStarted;
      // A server's checkpointer keeps the WAL short between bursts; after a bulk load at full speed
      // it is gigabytes long, and every read would pay for that. Checkpoint it, as idle time would.
      walMbAfterSeed = fileMb(`${database}-wal`);
      await store.close();
      checkpointWal(database);
      store = await openStore({ databaseUrl: database });
      note(`  seeded ${formatNumber(seeded)} spans in ${formatNumber(seedMs / 1000, 1)} s (database ${formatNumber(fileMb(database))} MB, WAL ${formatNumber(walMbAfterSeed)} MB before a checkpoint); in-process baseline...`);
      const list: Query = {
        label: 'list', path: '',
        inProcess: async (s) => {
          const window = listWindow(listRowsSeen++);
          return s.listTraces(projectId, { fromUs: window.fromMs * 1000, toUs: window.toMs * 1000, model: window.model, limit: 50 });
        },
      };
      inProcess.list = await timeInProcess(store, list, listQueries);
      for (const query of aggregates) inProcess[query.label] = await timeInProcess(store, query, aggregateQueries);
    } finally {
      await store.close();
    }

    const server = await startKeelServer({ home });
    const measured: Record<string, LatencySummary> = {};
    let health: LatencySummary;
    let readyMs: number;
    try {
      readyMs = server.readyMs;
      const client = new KeelClient(server.url, server.apiKey);
      try {
        // The answer must be the filter's: a day of one model holds traces, each naming that model.
        const sample = listWindow(0);
        const page = await client.get<{ items: { models: string[] }[] }>(`/api/v1/traces?from=${sample.fromMs}&to=${sample.toMs}&model=${encodeURIComponent(sample.model)}&limit=50`);
        if (page.items.length === 0 || page.items.some((item) => !item.models.includes(sample.model))) throw new Error(`trace list for ${sample.model} answered ${page.items.length} traces, not all on that model`);
        const modelRows = await client.get<{ rows: { group: string; cost: number }[] }>(perModel.path);
        if (modelRows.rows.length < models.length - 1) throw new Error(`cost per model answered ${modelRows.rows.length} groups for ${models.length} models`);
      } finally {
        client.close();
      }
      const headers = { authorization: `Bearer ${server.apiKey}` };
      const sequential = async (label: string, count: number, pathOf: (index: number) => string): Promise<LatencySummary> => {
        const load = await runLoad({ baseUrl: server.url, concurrency: 1, requests: count + 2, headers, request: (_worker, index) => ({ method: 'GET', path: pathOf(index) }) });
        requireNoErrors(label, load);
        return summarizeLatencies(load.latenciesMs.subarray(2));
      };
      health = await sequential('health', 200, () => '/health');
      measured.list = await sequential('trace list', listQueries, (index) => {
        const window = listWindow(index + 3);
        return `/api/v1/traces?from=${window.fromMs}&to=${window.toMs}&model=${encodeURIComponent(window.model)}&limit=50`;
      });
      note(`  trace list p50 ${formatMs(measured.list.p50Ms)}, p95 ${formatMs(measured.list.p95Ms)}`);
      for (const query of aggregates) {
        measured[query.label] = await sequential(query.label, aggregateQueries, () => query.path);
        note(`  ${query.label}: p50 ${formatMs(measured[query.label]?.p50Ms ?? Number.NaN)}`);
      }
    } finally {
      await server.stop();
    }
    const list = measured.list as LatencySummary;
    const listBase = inProcess.list as LatencySummary;
    const healthText = `GET /health p50 ${formatMs(health.p50Ms)}`;
    const figures: Figure[] = [
      { bench, name: 'trace list, 1 day, by model, p50', backend: 'sqlite', value: list.p50Ms, unit: 'ms', display: formatMs(list.p50Ms), baseline: `store.listTraces in-process p50 ${formatMs(listBase.p50Ms)}; ${healthText}` },
      { bench, name: 'trace list, 1 day, by model, p95', backend: 'sqlite', value: list.p95Ms, unit: 'ms', display: formatMs(list.p95Ms), target: { op: '<', value: 100 }, baseline: `store.listTraces in-process p95 ${formatMs(listBase.p95Ms)}` },
      ...aggregates.map((query, index): Figure => {
        const keel = measured[query.label] as LatencySummary;
        const base = inProcess[query.label] as LatencySummary;
        return {
          bench, name: `${query.label}, p95 of ${aggregateQueries}`, backend: 'sqlite', value: keel.p95Ms, unit: 'ms', display: formatMs(keel.p95Ms),
          target: index === 0 ? { op: '<', value: 500 } : undefined, baseline: `p50 ${formatMs(keel.p50Ms)}; same store call in-process p50 ${formatMs(base.p50Ms)}`,
        };
      }),
      { bench, name: 'seeding through store.insertSpans', backend: 'sqlite', value: seedMs / 1000, unit: 's', display: `${formatNumber(seedMs / 1000, 1)} s`, baseline: `${formatNumber((seeded / seedMs) * 1000)} spans/s in-process; WAL ${formatNumber(walMbAfterSeed)} MB at the end` },
      { bench, name: 'server start to ready on this home', backend: 'sqlite', value: readyMs, unit: 'ms', display: formatMs(readyMs), baseline: healthText },
    ];
    printFigures(`trace queries (sqlite) over ${formatNumber(seeded)} spans, ${days} days`, figures);
    const result: BenchResult = {
      name: 'trace-query-latency-sqlite',
      figures,
      details: { spans: seeded, days, seedMs, databaseMb: fileMb(database), walMbAfterSeed, listQueries, aggregateQueries, keel: measured, inProcess, health, readyMs },
    };
    await writeResult(result.name, result);
    return result;
  } finally {
    await removeTempDir(home);
  }
}

runIfMain(import.meta.url, () => traceQueryLatency());
