import pg from 'pg';
import { type Backend, type BenchResult, type Figure, printFigures } from './lib/figure.ts';
import { formatMs, formatNumber } from './lib/format-number.ts';
import { KeelClient } from './lib/keel-client.ts';
import { startKeelServer } from './lib/keel-server.ts';
import { requireNoErrors, runLoad } from './lib/load-generator.ts';
import { type LatencySummary, summarizeLatencies } from './lib/percentiles.ts';
import { createPostgresSchema, type PostgresSchema } from './lib/postgres-schema.ts';
import { note } from './lib/progress.ts';
import { runIfMain } from './lib/run-if-main.ts';
import { seedRuns } from './lib/seed-runs.ts';
import { type RawSearch, rawPostgresSearch, rawSqliteSearch, type SearchShape } from './lib/search-baseline.ts';
import { makeTempDir, removeTempDir } from './lib/temp-dir.ts';
import { writeResult } from './lib/write-result.ts';

export interface RunSearchLatencyOptions {
  backend?: Backend;
  postgresUrl?: string;
  runs?: number;
  metricsPerRun?: number;
  paramsPerRun?: number;
  /** Sequential queries at max_results 100 (and a quarter as many at 1000). */
  queries?: number;
  /** Keep the seeded KEEL_HOME (SQLite) for the memory bench; the caller removes it. */
  keepHome?: boolean;
}

export interface RunSearchLatencyResult extends BenchResult {
  /** The seeded KEEL_HOME when keepHome was asked for. */
  home?: string | undefined;
}

const shape: SearchShape = { filterKey: 'm3', threshold: 0.5, orderKey: 'm7' };
const filter = `metrics.${shape.filterKey} > ${shape.threshold}`;
const orderBy = `metrics.${shape.orderKey} DESC`;

async function analyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

async function timeRaw(raw: RawSearch, limit: number, count: number, withRows: boolean): Promise<LatencySummary> {
  const latencies: number[] = [];
  for (let index = 0; index < count + 5; index += 1) {
    const started = performance.now();
    if (withRows) await raw.queryWithRows(limit);
    else await raw.query(limit);
    if (index >= 5) latencies.push(performance.now() - started);
  }
  return summarizeLatencies(latencies);
}

/**
 * Figure 3: runs/search over 10,000 runs x 20 metrics x 20 params with a metric filter and a metric
 * order, max_results 100 and 1000, sequential queries; baseline: the equivalent SQL straight on the
 * database, with and without reading the page's metrics, params and tags.
 */
export async function runSearchLatency(options: RunSearchLatencyOptions = {}): Promise<RunSearchLatencyResult> {
  const backend = options.backend ?? 'sqlite';
  // KEEL_BENCH_SEARCH_RUNS scales the seed down on a slow machine; the figures name the count used.
  const runs = options.runs ?? (Number(process.env.KEEL_BENCH_SEARCH_RUNS) || 10_000);
  const metricsPerRun = options.metricsPerRun ?? 20;
  const paramsPerRun = options.paramsPerRun ?? 20;
  const queries = options.queries ?? 200;
  const bench = 'runs/search';
  note(`\n== ${bench} (${backend}): ${formatNumber(runs)} runs x ${metricsPerRun} metrics x ${paramsPerRun} params, filter '${filter}', order_by '${orderBy}'`);
  const home = await makeTempDir('search');
  let schema: PostgresSchema | undefined;
  let keep = false;
  try {
    if (backend === 'postgres') {
      if (options.postgresUrl === undefined || options.postgresUrl === '') throw new Error('the postgres backend needs KEEL_TEST_POSTGRES_URL');
      schema = await createPostgresSchema(options.postgresUrl, 'search');
    }
    const server = await startKeelServer({ home, ...(schema === undefined ? {} : { databaseUrl: schema.url }) });
    const measured: Record<number, LatencySummary> = {};
    const rawQuery: Record<number, LatencySummary> = {};
    const rawWithRows: Record<number, LatencySummary> = {};
    const seedStarted = performance.now();
    let seedMs = 0;
    try {
      const experimentId = await seedRuns(server, { experimentName: 'search', runs, metricsPerRun, paramsPerRun });
      seedMs = performance.now() - seedStarted;
      // What autovacuum's analyze does within a minute of a bulk load; without fresh statistics the
      // planner picks plans that nobody sees after the first minute (measured: ~8x slower).
      if (schema !== undefined) await analyze(schema.url);
      const raw = schema === undefined ? rawSqliteSearch(home, experimentId, shape) : await rawPostgresSearch(schema.url, experimentId, shape);
      const client = new KeelClient(server.url, server.apiKey);
      try {
        for (const [limit, count] of [[100, queries], [1000, Math.max(10, Math.round(queries / 4))]] as const) {
          const body = JSON.stringify({ experiment_ids: [experimentId], filter, order_by: [orderBy], max_results: limit });
          // The server's page must be the baseline's page, or the baseline measures something else.
          const page = await client.post<{ runs?: { info: { run_id: string }; data: { metrics?: unknown[]; params?: unknown[] } }[] }>('/api/2.0/mlflow/runs/search', JSON.parse(body) as unknown);
          const expected = await raw.query(limit);
          const got = (page.runs ?? []).map((run) => run.info.run_id);
          if (got.length === 0 || got.join() !== expected.join()) {
            const at = got.findIndex((id, index) => id !== expected[index]);
            throw new Error(`search page (${got.length} runs) differs from the raw query's (${expected.length}) at ${at}: ${got.slice(at, at + 3).join()} vs ${expected.slice(at, at + 3).join()}`);
          }
          if (page.runs?.[0]?.data.metrics?.length !== metricsPerRun || page.runs[0].data.params?.length !== paramsPerRun) throw new Error('search answer lacks the runs\' metrics or params');
          const load = await runLoad({ baseUrl: server.url, concurrency: 1, requests: count + 5, headers: client.authHeaders, request: () => ({ method: 'POST', path: '/api/2.0/mlflow/runs/search', body }) });
          requireNoErrors(`search max_results=${limit}`, load);
          measured[limit] = summarizeLatencies(load.latenciesMs.subarray(5));
          rawQuery[limit] = await timeRaw(raw, limit + 1, count, false);
          rawWithRows[limit] = await timeRaw(raw, limit + 1, count, true);
          note(`  max_results=${limit}: keel p50 ${formatMs(measured[limit].p50Ms)}, raw p50 ${formatMs(rawWithRows[limit].p50Ms)}`);
        }
      } finally {
        client.close();
        await raw.close();
      }
    } finally {
      await server.stop();
    }
    const figures: Figure[] = [];
    for (const limit of [100, 1000]) {
      const keel = measured[limit] as LatencySummary;
      const query = rawQuery[limit] as LatencySummary;
      const rows = rawWithRows[limit] as LatencySummary;
      const name = `max_results ${limit}`;
      const baseline = `raw SQL p50/p95 ${formatMs(query.p50Ms)} / ${formatMs(query.p95Ms)}; + page rows ${formatMs(rows.p50Ms)} / ${formatMs(rows.p95Ms)}`;
      figures.push(
        { bench, name: `${name} p50`, backend, value: keel.p50Ms, unit: 'ms', display: formatMs(keel.p50Ms), baseline },
        { bench, name: `${name} p95`, backend, value: keel.p95Ms, unit: 'ms', display: formatMs(keel.p95Ms), target: limit === 100 ? { op: '<', value: 20 } : undefined, baseline },
      );
    }
    figures.push({ bench, name: 'seeding (runs/create + log-batch)', backend, value: seedMs / 1000, unit: 's', display: `${formatNumber(seedMs / 1000, 1)} s`, baseline: `${formatNumber((runs * 2) / (seedMs / 1000))} req/s` });
    printFigures(`runs/search (${backend}) over ${formatNumber(runs)} runs, ${queries} sequential queries at max_results 100`, figures);
    const result: RunSearchLatencyResult = {
      name: `run-search-latency-${backend}`,
      figures,
      details: { runs, metricsPerRun, paramsPerRun, queries, filter, orderBy, seedMs, keel: measured, rawQuery, rawQueryWithPageRows: rawWithRows },
    };
    await writeResult(result.name, result);
    keep = options.keepHome === true && backend === 'sqlite';
    return keep ? { ...result, home } : result;
  } finally {
    await schema?.drop();
    if (!keep) await removeTempDir(home);
  }
}

runIfMain(import.meta.url, async () => {
  await runSearchLatency();
  const postgresUrl = process.env.KEEL_TEST_POSTGRES_URL;
  if (postgresUrl !== undefined && postgresUrl !== '') await runSearchLatency({ backend: 'postgres', postgresUrl });
});
