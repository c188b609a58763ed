import { type LoadResult, requireNoErrors, runLoad } from './load-generator.ts';
import { KeelClient } from './keel-client.ts';
import { runOpenLoop } from './open-loop-load.ts';
import { ingestionPlan, logBatchBody, metricBatch, type MetricRow } from './metric-batches.ts';
import { type RssSamples, startRssSampler } from './rss-sampler.ts';
import type { KeelServer } from './keel-server.ts';

export interface IngestionShape {
  clients: number;
  batchesPerClient: number;
  batchSize: number;
  keys: number;
}

export const defaultIngestionShape: IngestionShape = { clients: 8, batchesPerClient: 50, batchSize: 1000, keys: 10 };

export interface IngestionLoad {
  plan: MetricRow[][][];
  load: LoadResult;
  points: number;
  /** From the first request until every point is queryable (the load, then a history read, which drains the server's metric log). */
  elapsedMs: number;
  pointsPerSecond: number;
  /** Points acknowledged per second (the load alone): on SQLite some may not be queryable yet. */
  acknowledgedPerSecond: number;
  /** The history read after the load: the wait for the metric log to drain. */
  drainMs: number;
  rss: RssSamples;
}

/** One metric's history page: reading it drains the metric log (ADR 0009). */
export const historyPath = (runId: string, key: string, maxResults: number, token?: string): string =>
  `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${key}&max_results=${maxResults}${token === undefined ? '' : `&page_token=${encodeURIComponent(token)}`}`;

const logBatchPath = '/api/2.0/mlflow/runs/log-batch';

/**
 * `clients` MLflow clients, each logging to its own run, send their batches of `batchSize` points
 * through /runs/log-batch as fast as answers come back, while the server's RSS is sampled. Bodies
 * are serialised before the clock starts; a short warm-up on another run comes first.
 */
export async function runIngestionLoad(server: KeelServer, shape: IngestionShape = defaultIngestionShape): Promise<IngestionLoad> {
  const client = new KeelClient(server.url, server.apiKey);
  try {
    const experimentId = await client.createExperiment(`ingestion-${Date.now()}`);
    const runIds = await Promise.all(Array.from({ length: shape.clients }, () => client.createRun(experimentId)));
    const warmupRun = await client.createRun(experimentId);
    const plan = ingestionPlan(shape.clients, shape.batchesPerClient, shape.batchSize, shape.keys);
    const bodies = plan.map((batches, index) => batches.map((rows) => logBatchBody(runIds[index] ?? '', rows)));
    const warmupBodies = Array.from({ length: 2 * shape.clients }, (_unused, index) => logBatchBody(warmupRun, metricBatch(index, shape.batchSize, shape.keys, 999)));
    requireNoErrors(
      'ingestion warm-up',
      await runLoad({ baseUrl: server.url, concurrency: shape.clients, requests: warmupBodies.length, headers: client.authHeaders, request: (worker, index) => ({ method: 'POST', path: logBatchPath, body: warmupBodies[index * shape.clients + worker] ?? '' }) }),
    );
    const sampler = startRssSampler(server.pid, 25);
    const started = performance.now();
    const load = await runLoad({
      baseUrl: server.url,
      concurrency: shape.clients,
      requests: shape.clients * shape.batchesPerClient,
      headers: client.authHeaders,
      request: (worker, index) => ({ method: 'POST', path: logBatchPath, body: bodies[worker]?.[index] ?? '' }),
    });
    // The points count once they can be read: the history of the last run's last batch.
    const drainStarted = performance.now();
    await client.get(historyPath(runIds[runIds.length - 1] ?? '', 'metric_0', 1));
    const drainMs = performance.now() - drainStarted;
    const elapsedMs = performance.now() - started;
    const rss = sampler.stop();
    requireNoErrors('ingestion', load);
    // Nothing may be lost: every run holds all its points of one key.
    const perKey = shape.batchesPerClient * Math.ceil(shape.batchSize / shape.keys);
    for (const runId of runIds) {
      let stored = 0;
      let token: string | undefined;
      do {
        const page: { metrics?: unknown[]; next_page_token?: string } = await client.get(historyPath(runId, 'metric_0', 25000, token));
        stored += page.metrics?.length ?? 0;
        token = page.next_page_token;
      } while (token !== undefined);
      if (stored !== perKey) throw new Error(`run ${runId} holds ${stored} points of metric_0, expected ${perKey}`);
    }
    const points = shape.clients * shape.batchesPerClient * shape.batchSize;
    return { plan, load, points, elapsedMs, pointsPerSecond: (points / elapsedMs) * 1000, acknowledgedPerSecond: (points / load.elapsedMs) * 1000, drainMs, rss };
  } finally {
    client.close();
  }
}

export interface OpenLoopIngestion {
  offered: number;
  /** Batches due while `clients` were already waiting on an answer: sent when one was answered, timed from when they were due. */
  waited: number;
  /** The longest of those waits, in milliseconds. */
  maxWaitMs: number;
  answered: number;
  /** Answers that were not 200, and requests with no HTTP answer. */
  failed: number;
  latenciesMs: Float64Array;
  /** Points answered per second over the run. */
  pointsPerSecond: number;
}

/**
 * The same kind of batches offered at a fixed rate (`pointsPerSecond` / batchSize batches a second,
 * started on schedule, not when the previous one is answered), by at most `clients` requests in
 * flight: the latency of a batch when the server is offered the target rate, rather than as much as
 * `clients` closed-loop clients can push (whose mean latency is clients / throughput, Little's law).
 * A batch due while `clients` are in flight waits in the client for a free one, and its latency
 * counts from when it was due (no coordinated omission: a stall shows in the latencies).
 * Fresh runs and bodies, serialised before the clock starts.
 */
export async function runOpenLoopIngestion(server: KeelServer, shape: IngestionShape, pointsPerSecond: number, seconds: number): Promise<OpenLoopIngestion> {
  const client = new KeelClient(server.url, server.apiKey);
  try {
    const experimentId = await client.createExperiment(`ingestion-open-${Date.now()}`);
    const runIds = await Promise.all(Array.from({ length: shape.clients }, () => client.createRun(experimentId)));
    const ratePerSecond = pointsPerSecond / shape.batchSize;
    const batches = Math.ceil(ratePerSecond * seconds) + shape.clients;
    // Batch i goes to run i % clients, as its (i / clients)-th batch: every run's steps keep increasing.
    const bodies = Array.from({ length: batches }, (_unused, index) => logBatchBody(runIds[index % shape.clients] ?? '', metricBatch(Math.floor(index / shape.clients), shape.batchSize, shape.keys, 100 + (index % shape.clients))));
    const result = await runOpenLoop({ baseUrl: server.url, ratePerSecond, durationMs: seconds * 1000, maxInFlight: shape.clients, whenFull: 'wait', headers: client.authHeaders, request: (index) => ({ method: 'POST', path: logBatchPath, body: bodies[index] ?? '' }) });
    const answered = result.statuses[200] ?? 0;
    const failed = result.failed + Object.entries(result.statuses).reduce((sum, [status, count]) => sum + (status === '200' ? 0 : count), 0);
    return { offered: result.offered, waited: result.waited, maxWaitMs: result.maxWaitMs, answered, failed, latenciesMs: result.latenciesMs, pointsPerSecond: ((answered * shape.batchSize) / result.elapsedMs) * 1000 };
  } finally {
    client.close();
  }
}
