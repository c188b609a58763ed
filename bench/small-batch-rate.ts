import { type BenchResult, type Figure, printFigures } from './lib/figure.ts';
import { formatMs, formatNumber, formatPercent } from './lib/format-number.ts';
import { historyPath } from './lib/ingestion-load.ts';
import { KeelClient } from './lib/keel-client.ts';
import { startKeelServer } from './lib/keel-server.ts';
import { type LoadOptions, type LoadResult, requireNoErrors, runLoad } from './lib/load-generator.ts';
import { baseTimestamp, ingestionPlan, logBatchJson, seededRandom } from './lib/metric-batches.ts';
import { summarizeLatencies } from './lib/percentiles.ts';
import { note } from './lib/progress.ts';
import { rawSqliteInsert } from './lib/raw-metric-insert.ts';
import { runIfMain } from './lib/run-if-main.ts';
import { makeTempDir, removeTempDir } from './lib/temp-dir.ts';
import { startTrivialServer } from './lib/trivial-server.ts';
import { writeResult } from './lib/write-result.ts';

export interface SmallBatchRateOptions {
  clients?: number;
  metricsPerRequest?: number;
  durationMs?: number;
  warmupMs?: number;
}

/**
 * Figure 2: log-batch of 10 metrics from 20 clients (each its own run) for a fixed time: requests/s
 * and latency. Baseline: the same load generator against a node:http server that answers {}.
 * Requests/s counts until the last batch is queryable (the server acknowledges a batch once it is
 * in its metric log, ADR 0009); the acknowledgement rate is printed beside it.
 */
export async function smallBatchRate(options: SmallBatchRateOptions = {}): Promise<BenchResult> {
  const clients = options.clients ?? 20;
  const perRequest = options.metricsPerRequest ?? 10;
  const durationMs = options.durationMs ?? 8000;
  const warmupMs = options.warmupMs ?? 1000;
  const bench = `log-batch ${perRequest}`;
  note(`\n== ${bench} (sqlite): ${clients} clients for ${durationMs / 1000} s, and a trivial node:http server`);
  const home = await makeTempDir('small-batch');
  try {
    const server = await startKeelServer({ home });
    let keel: LoadResult;
    let queryableMs: number;
    let drainMs: number;
    const client = new KeelClient(server.url, server.apiKey);
    try {
      const experimentId = await client.createExperiment('small-batches');
      const runIds = await Promise.all(Array.from({ length: clients }, () => client.createRun(experimentId)));
      // Step `index` of run `worker`: 10 metrics of one training step. Steps keep growing across warm-up and measurement.
      let stepBase = 0;
      const body = (worker: number, index: number): string => {
        const random = seededRandom(worker * 7919 + index);
        const step = stepBase + index;
        const metrics = Array.from({ length: perRequest }, (_unused, key) => ({ key: `metric_${key}`, value: random(), timestamp: baseTimestamp + step, step }));
        return logBatchJson(runIds[worker] ?? '', metrics);
      };
      const load = (ms: number): Promise<LoadResult> =>
        runLoad({ baseUrl: server.url, concurrency: clients, durationMs: ms, headers: { authorization: `Bearer ${server.apiKey}` }, request: (worker, index) => ({ method: 'POST', path: '/api/2.0/mlflow/runs/log-batch', body: body(worker, index) }) });
      requireNoErrors('small batches warm-up', await load(warmupMs));
      stepBase = 1_000_000;
      const started = performance.now();
      keel = await load(durationMs);
      // Until the last batch is queryable: a history read drains the server's metric log (ADR 0009).
      const drainStarted = performance.now();
      await client.get(historyPath(runIds[0] ?? '', 'metric_0', 1));
      drainMs = performance.now() - drainStarted;
      queryableMs = performance.now() - started;
      requireNoErrors('small batches', keel);
      // Nothing acknowledged may be missing: one metric_0 point per measured request.
      let stored = 0;
      for (const runId of runIds) {
        const page: { metrics?: { step: number | string }[] } = await client.get(historyPath(runId, 'metric_0', 25000));
        stored += (page.metrics ?? []).filter((point) => Number(point.step) >= stepBase).length;
      }
      if (stored !== keel.completed) throw new Error(`the runs hold ${stored} measured points of metric_0, expected ${keel.completed}`);
    } finally {
      client.close();
      await server.stop();
    }
    const queryablePerSecond = (keel.completed / queryableMs) * 1000;
    const trivial = await startTrivialServer();
    let ceiling: LoadResult;
    try {
      // The same bodies (built the same way), so the client does the same work per request.
      const random = seededRandom(1);
      const sample = logBatchJson('0123456789abcdef0123456789abcdef', Array.from({ length: perRequest }, (_unused, key) => ({ key: `metric_${key}`, value: random(), timestamp: baseTimestamp, step: 0 })));
      const trivialLoad: Omit<LoadOptions, 'durationMs'> = { baseUrl: trivial.url, concurrency: clients, headers: { authorization: 'Bearer x' }, request: () => ({ method: 'POST', path: '/api/2.0/mlflow/runs/log-batch', body: sample }) };
      requireNoErrors('trivial server warm-up', await runLoad({ ...trivialLoad, durationMs: warmupMs }));
      ceiling = await runLoad({ ...trivialLoad, durationMs: Math.min(durationMs, 5000) });
      requireNoErrors('trivial server', ceiling);
    } finally {
      await trivial.stop();
    }
    // What the database alone does with the same small transactions: one per 10-point batch.
    const raw = await rawSqliteInsert(ingestionPlan(clients, 200, perRequest, perRequest));
    const rawTransactionsPerSecond = (raw.latenciesMs.length / raw.elapsedMs) * 1000;
    const keelLatency = summarizeLatencies(keel.latenciesMs);
    const ceilingLatency = summarizeLatencies(ceiling.latenciesMs);
    const share = (queryablePerSecond / ceiling.requestsPerSecond) * 100;
    const ceilingText = `node:http {} server: ${formatNumber(ceiling.requestsPerSecond)} req/s`;
    const figures: Figure[] = [
      { bench, name: 'requests/s (queryable)', backend: 'sqlite', value: queryablePerSecond, unit: 'req/s', display: formatNumber(queryablePerSecond), target: { op: '>=', value: 5000 }, baseline: ceilingText },
      { bench, name: 'requests/s acknowledged', backend: 'sqlite', value: keel.requestsPerSecond, unit: 'req/s', display: formatNumber(keel.requestsPerSecond), baseline: `then ${formatMs(drainMs)} until the last batch was queryable` },
      { bench, name: 'p50', backend: 'sqlite', value: keelLatency.p50Ms, unit: 'ms', display: formatMs(keelLatency.p50Ms), baseline: `{} server p50 ${formatMs(ceilingLatency.p50Ms)}` },
      { bench, name: 'p95', backend: 'sqlite', value: keelLatency.p95Ms, unit: 'ms', display: formatMs(keelLatency.p95Ms), target: { op: '<', value: 10 }, baseline: `{} server p95 ${formatMs(ceilingLatency.p95Ms)}` },
      { bench, name: 'p99', backend: 'sqlite', value: keelLatency.p99Ms, unit: 'ms', display: formatMs(keelLatency.p99Ms), baseline: `{} server p99 ${formatMs(ceilingLatency.p99Ms)}` },
      { bench, name: 'raw SQLite 10-row transactions/s', backend: 'sqlite', value: rawTransactionsPerSecond, unit: 'txn/s', display: formatNumber(rawTransactionsPerSecond), baseline: 'better-sqlite3, WAL, synchronous=NORMAL' },
      { bench, name: 'Keel as % of the {} server', backend: 'sqlite', value: share, unit: '%', display: formatPercent(share), baseline: ceilingText },
    ];
    printFigures(`log-batch of ${perRequest} metrics, ${clients} clients: ${formatNumber(keel.completed)} requests queryable in ${formatNumber(queryableMs)} ms (acknowledged in ${formatNumber(keel.elapsedMs)} ms)`, figures);
    const result: BenchResult = {
      name: 'small-batch-rate',
      figures,
      details: {
        clients, metricsPerRequest: perRequest, durationMs,
        keel: { completed: keel.completed, elapsedMs: queryableMs, acknowledgedMs: keel.elapsedMs, drainMs, requestsPerSecond: queryablePerSecond, acknowledgedPerSecond: keel.requestsPerSecond, latency: keelLatency },
        rawSqlite: { transactions: raw.latenciesMs.length, elapsedMs: raw.elapsedMs, transactionsPerSecond: rawTransactionsPerSecond },
        trivialServer: { completed: ceiling.completed, elapsedMs: ceiling.elapsedMs, requestsPerSecond: ceiling.requestsPerSecond, latency: ceilingLatency },
      },
    };
    await writeResult(result.name, result);
    return result;
  } finally {
    await removeTempDir(home);
  }
}

runIfMain(import.meta.url, () => smallBatchRate());
