import { type Backend, type BenchResult, type Figure, printFigures } from './lib/figure.ts';
import { formatMb, formatMs, formatNumber, formatPercent } from './lib/format-number.ts';
import { defaultIngestionShape, type IngestionShape, runIngestionLoad, runOpenLoopIngestion } from './lib/ingestion-load.ts';
import { startKeelServer } from './lib/keel-server.ts';
import { summarizeLatencies } from './lib/percentiles.ts';
import { createPostgresSchema } from './lib/postgres-schema.ts';
import { note } from './lib/progress.ts';
import { rawPostgresInsert, rawSqliteInsert } from './lib/raw-metric-insert.ts';
import { logBatchFloor } from './lib/log-batch-floor.ts';
import { runIfMain } from './lib/run-if-main.ts';
import { makeTempDir, removeTempDir } from './lib/temp-dir.ts';
import { writeResult } from './lib/write-result.ts';

export interface LogBatchIngestionOptions {
  backend?: Backend;
  /** The PostgreSQL server (KEEL_TEST_POSTGRES_URL) when backend is 'postgres'. */
  postgresUrl?: string;
  shape?: IngestionShape;
  /** Seconds of the open-loop run at the target rate. */
  openLoopSeconds?: number;
}

/** The issue's throughput target, offered on a schedule in the open-loop run. */
const targetPointsPerSecond = 250_000;

/**
 * Figure 1: log-batch ingestion through the MLflow API, 8 clients x 50 batches of 1,000 points,
 * against the same rows inserted straight into the database in the same run. Points/s counts until
 * the last point is queryable (on SQLite the server acknowledges a batch once it is in its metric
 * log, ADR 0009); the acknowledgement rate is printed beside it. The p95 target is read twice: for
 * the 8 closed-loop clients (whose mean latency is 8 / throughput whatever the server does), and
 * for the target rate (250,000 points/s) offered on a schedule by at most 8 requests in flight.
 */
export async function logBatchIngestion(options: LogBatchIngestionOptions = {}): Promise<BenchResult> {
  const backend = options.backend ?? 'sqlite';
  const shape = options.shape ?? defaultIngestionShape;
  const openLoopSeconds = options.openLoopSeconds ?? 8;
  const bench = 'log-batch 1,000';
  note(`\n== ${bench} (${backend}): ${shape.clients} clients x ${shape.batchesPerClient} batches of ${shape.batchSize} points`);
  const home = await makeTempDir('ingestion');
  const schema = backend === 'postgres' ? await createPostgresSchema(requireUrl(options.postgresUrl), 'ingestion') : undefined;
  try {
    const server = await startKeelServer({ home, ...(schema === undefined ? {} : { databaseUrl: schema.url }) });
    let run;
    let single;
    let openLoop;
    let again;
    try {
      run = await runIngestionLoad(server, shape);
      // The same batches from one client: the time a batch takes without waiting behind others.
      single = await runIngestionLoad(server, { ...shape, clients: 1 });
      // The target rate offered on a schedule by the same number of clients: the latency of a batch at that rate.
      openLoop = await runOpenLoopIngestion(server, shape, targetPointsPerSecond, openLoopSeconds);
      // The closed loop once more, on a server that has now run for a while: the first one's figures
      // include the JIT compiling the request path (16 warm-up batches do not finish it).
      again = await runIngestionLoad(server, shape);
    } finally {
      await server.stop();
    }
    note(`  keel: ${formatNumber(run.pointsPerSecond)} points/s; raw baseline...`);
    const raw = backend === 'postgres' ? await rawPostgresInsert(requireUrl(options.postgresUrl), run.plan) : await rawSqliteInsert(run.plan);
    // What the same client measures on this machine for a server that does the least (SQLite only: its file is SQLite).
    const floor = backend === 'sqlite' ? await logBatchFloor(home, shape) : undefined;
    const floorFirst = floor === undefined ? undefined : summarizeLatencies(floor.first.latenciesMs);
    const floorAgain = floor === undefined ? undefined : summarizeLatencies(floor.again.latenciesMs);
    const keel = summarizeLatencies(run.load.latenciesMs);
    const rawLatency = summarizeLatencies(raw.latenciesMs);
    const alone = summarizeLatencies(single.load.latenciesMs);
    const warm = summarizeLatencies(again.load.latenciesMs);
    // Little's law: with N clients always waiting on an answer, mean latency = N / throughput.
    const queueingFloorMs = (shape.clients / (raw.pointsPerSecond / shape.batchSize)) * 1000;
    const share = (run.pointsPerSecond / raw.pointsPerSecond) * 100;
    const open = summarizeLatencies(openLoop.latenciesMs);
    const openWaited = openLoop.waited > 0 ? `; ${openLoop.waited} due while ${shape.clients} were in flight waited up to ${formatMs(openLoop.maxWaitMs)}, timed from when due` : '';
    const rawText = `${raw.what}: ${formatNumber(raw.pointsPerSecond)} points/s`;
    const figures: Figure[] = [
      { bench, name: 'points/s (queryable)', backend, value: run.pointsPerSecond, unit: 'points/s', display: formatNumber(run.pointsPerSecond), target: { op: '>=', value: 250_000 }, baseline: rawText },
      {
        bench, name: 'points/s acknowledged', backend, value: run.acknowledgedPerSecond, unit: 'points/s', display: formatNumber(run.acknowledgedPerSecond),
        baseline: `then ${formatMs(run.drainMs)} until the last batch was queryable`,
      },
      { bench, name: 'p50 per batch', backend, value: keel.p50Ms, unit: 'ms', display: formatMs(keel.p50Ms), baseline: `raw txn p50 ${formatMs(rawLatency.p50Ms)}` },
      { bench, name: 'p95 per batch', backend, value: keel.p95Ms, unit: 'ms', display: formatMs(keel.p95Ms), target: { op: '<', value: 15 }, baseline: `raw txn p95 ${formatMs(rawLatency.p95Ms)}${floorFirst === undefined ? '' : `; floor server p95 ${formatMs(floorFirst.p95Ms)}`}` },
      { bench, name: 'p99 per batch', backend, value: keel.p99Ms, unit: 'ms', display: formatMs(keel.p99Ms), baseline: `raw txn p99 ${formatMs(rawLatency.p99Ms)}` },
      {
        bench, name: `p95 per batch, ${formatNumber(targetPointsPerSecond)} points/s offered (open loop)`, backend, value: openLoop.failed > 0 ? Number.POSITIVE_INFINITY : open.p95Ms, unit: 'ms',
        display: openLoop.failed > 0 ? `${formatMs(open.p95Ms)} (${openLoop.failed} of ${openLoop.offered} batches failed)` : formatMs(open.p95Ms), target: { op: '<', value: 15 },
        baseline: `${shape.clients} clients at most in flight, ${openLoopSeconds} s; answered ${formatNumber(openLoop.pointsPerSecond)} points/s; p50 ${formatMs(open.p50Ms)}, p99 ${formatMs(open.p99Ms)}${openWaited}`,
      },
      {
        bench, name: `p95 per batch, ${shape.clients} clients again (warm server)`, backend, value: warm.p95Ms, unit: 'ms', display: formatMs(warm.p95Ms),
        baseline: `the closed loop again after the runs above: ${formatNumber(again.acknowledgedPerSecond)} points/s acknowledged, ${formatNumber(again.pointsPerSecond)} queryable; p50 ${formatMs(warm.p50Ms)}, p99 ${formatMs(warm.p99Ms)}`,
      },
      ...(floor === undefined || floorFirst === undefined || floorAgain === undefined
        ? []
        : [
            {
              bench, name: `floor server: p95 per batch, ${shape.clients} clients`, backend, value: floorFirst.p95Ms, unit: 'ms', display: formatMs(floorFirst.p95Ms),
              baseline: `node:http + JSON.parse + one INSERT per batch, no checkpoints; same client, warm-up and batches: ${formatNumber((run.points / floor.first.elapsedMs) * 1000)} points/s, p50 ${formatMs(floorFirst.p50Ms)}, p99 ${formatMs(floorFirst.p99Ms)}; again: p95 ${formatMs(floorAgain.p95Ms)}, p50 ${formatMs(floorAgain.p50Ms)}`,
            },
          ]),
      { bench, name: 'p95 per batch, 1 client', backend, value: alone.p95Ms, unit: 'ms', display: formatMs(alone.p95Ms), baseline: `1 client: ${formatNumber(single.pointsPerSecond)} points/s, p50 ${formatMs(alone.p50Ms)}` },
      {
        bench, name: `mean latency floor at raw speed (${shape.clients} clients)`, backend, value: queueingFloorMs, unit: 'ms', display: formatMs(queueingFloorMs),
        baseline: `${shape.clients} clients / raw ${formatNumber(raw.pointsPerSecond / shape.batchSize)} batches/s`,
      },
      { bench, name: 'Keel as % of raw insert', backend, value: share, unit: '%', display: formatPercent(share), target: { op: '>=', value: 40 }, baseline: rawText },
      { bench, name: 'server peak RSS during run', backend, value: run.rss.peakMb, unit: 'MB', display: formatMb(run.rss.peakMb), baseline: `VmHWM ${formatMb(run.rss.highWaterMb)}` },
    ];
    printFigures(`log-batch ingestion (${backend}): ${formatNumber(run.points)} points queryable in ${formatNumber(run.elapsedMs)} ms (acknowledged in ${formatNumber(run.load.elapsedMs)} ms)`, figures);
    const result: BenchResult = {
      name: `log-batch-ingestion-${backend}`,
      figures,
      details: { shape, queueingFloorMs, openLoop: { ...openLoop, latenciesMs: undefined, latency: open }, oneClient: { pointsPerSecond: single.pointsPerSecond, latency: alone }, warmServer: { pointsPerSecond: again.pointsPerSecond, acknowledgedPerSecond: again.acknowledgedPerSecond, latency: warm }, floorServer: floor === undefined ? undefined : { first: { elapsedMs: floor.first.elapsedMs, latency: floorFirst }, again: { elapsedMs: floor.again.elapsedMs, latency: floorAgain } }, keel: { elapsedMs: run.elapsedMs, acknowledgedMs: run.load.elapsedMs, drainMs: run.drainMs, points: run.points, pointsPerSecond: run.pointsPerSecond, acknowledgedPerSecond: run.acknowledgedPerSecond, latency: keel, rss: { peakMb: run.rss.peakMb, highWaterMb: run.rss.highWaterMb } }, raw: { ...raw, latenciesMs: undefined, latency: rawLatency } },
    };
    await writeResult(result.name, result);
    return result;
  } finally {
    await schema?.drop();
    await removeTempDir(home);
  }
}

function requireUrl(url: string | undefined): string {
  if (url === undefined || url === '') throw new Error('the postgres backend needs a server URL (KEEL_TEST_POSTGRES_URL)');
  return url;
}

runIfMain(import.meta.url, async () => {
  await logBatchIngestion();
  const postgresUrl = process.env.KEEL_TEST_POSTGRES_URL;
  if (postgresUrl !== undefined && postgresUrl !== '') await logBatchIngestion({ backend: 'postgres', postgresUrl });
});
