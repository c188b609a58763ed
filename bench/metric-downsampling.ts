import path from 'node:path';
import Database from 'better-sqlite3';
import type { Metric } from '@keel/spec';
import { decodeMetricBlock } from '@keel/store';
import { type BenchResult, type Figure, printFigures } from './lib/figure.ts';
import { formatMs, formatNumber } from './lib/format-number.ts';
import { KeelClient } from './lib/keel-client.ts';
import { startKeelServer } from './lib/keel-server.ts';
import { requireNoErrors, runLoad } from './lib/load-generator.ts';
import { type LatencySummary, summarizeLatencies } from './lib/percentiles.ts';
import { note } from './lib/progress.ts';
import { runIfMain } from './lib/run-if-main.ts';
import { seedMetricHistory } from './lib/seed-metric-history.ts';
import { makeTempDir, removeTempDir } from './lib/temp-dir.ts';
import { writeResult } from './lib/write-result.ts';

export interface MetricDownsamplingOptions {
  points?: number;
  maxPoints?: number;
  requests?: number;
  /** Keep the seeded KEEL_HOME for the memory bench; the caller removes it. */
  keepHome?: boolean;
}

export interface MetricDownsamplingResult extends BenchResult {
  home?: string | undefined;
}

const key = 'loss';

/** Reads the whole series straight from the SQLite file, as a client without downsampling would need, and decodes its points. */
function rawReadAll(home: string, runId: string, times: number): { latency: LatencySummary; rows: number } {
  const db = new Database(path.join(home, 'keel.db'), { readonly: true, fileMustExist: true });
  try {
    const runPk = (db.prepare('SELECT pk FROM runs WHERE run_id = ?').get(runId) as { pk: number }).pk;
    // The series' blocks (ADR 0014), decoded into points as the store does.
    const statement = db.prepare('SELECT points FROM metric_blocks WHERE run_pk = ? AND key = ? ORDER BY lo_step');
    const latencies: number[] = [];
    let rows = 0;
    for (let index = 0; index < times; index += 1) {
      const started = performance.now();
      const points: Metric[] = [];
      for (const row of statement.all(runPk, key) as { points: Buffer }[]) decodeMetricBlock(row.points, key, points);
      rows = points.length;
      latencies.push(performance.now() - started);
    }
    return { latency: summarizeLatencies(latencies), rows };
  } finally {
    db.close();
  }
}

/**
 * Figure 4: a 1,000,000-point history downsampled to 1,000 points by the native endpoint; baselines:
 * one 25,000-point page of MLflow get-history, and reading all points raw with better-sqlite3.
 */
export async function metricDownsampling(options: MetricDownsamplingOptions = {}): Promise<MetricDownsamplingResult> {
  const points = options.points ?? 1_000_000;
  const maxPoints = options.maxPoints ?? 1000;
  const requests = options.requests ?? 50;
  const bench = 'metric history';
  note(`\n== ${bench} (sqlite): ${formatNumber(points)} points of one metric, downsampled to ${maxPoints}`);
  const home = await makeTempDir('history');
  let keep = false;
  try {
    const server = await startKeelServer({ home });
    let downsampled: LatencySummary;
    let page: LatencySummary;
    let returned = 0;
    let runId: string;
    const seedStarted = performance.now();
    let seedMs = 0;
    try {
      const seeded = await seedMetricHistory(server, { experimentName: 'history', key, points });
      seedMs = performance.now() - seedStarted;
      runId = seeded.runId;
      const client = new KeelClient(server.url, server.apiKey);
      try {
        const nativePath = `/api/v1/runs/${runId}/metrics/${key}?maxPoints=${maxPoints}`;
        const answer = await client.get<{ items: { value: number | string; step: number }[] }>(nativePath);
        returned = answer.items.length;
        // A downsampled curve that lost the spikes would be fast and wrong.
        if (returned === 0 || returned > maxPoints) throw new Error(`downsampled history has ${returned} points (max ${maxPoints})`);
        if (!answer.items.some((item) => item.value === seeded.max)) throw new Error(`downsampled history lost the maximum ${seeded.max}`);
        const load = await runLoad({ baseUrl: server.url, concurrency: 1, requests: requests + 5, headers: client.authHeaders, request: () => ({ method: 'GET', path: nativePath }) });
        requireNoErrors('downsampled history', load);
        downsampled = summarizeLatencies(load.latenciesMs.subarray(5));
        const historyPath = `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${key}&max_results=25000`;
        const full = await client.get<{ metrics: unknown[]; next_page_token?: string }>(historyPath);
        if (full.metrics.length !== 25_000 || full.next_page_token === undefined) throw new Error(`get-history page has ${full.metrics.length} points`);
        const pages = await runLoad({ baseUrl: server.url, concurrency: 1, requests: Math.max(10, Math.round(requests / 2)) + 2, headers: client.authHeaders, request: () => ({ method: 'GET', path: historyPath }) });
        requireNoErrors('get-history', pages);
        page = summarizeLatencies(pages.latenciesMs.subarray(2));
      } finally {
        client.close();
      }
    } finally {
      await server.stop();
    }
    const raw = rawReadAll(home, runId, 3);
    if (raw.rows !== points) throw new Error(`the run holds ${raw.rows} points, expected ${points}`);
    const baseline = `get-history 25,000-point page p50 ${formatMs(page.p50Ms)}; raw read of all ${formatNumber(points)} points ${formatMs(raw.latency.p50Ms)}`;
    const figures: Figure[] = [
      { bench, name: `downsampled to ${maxPoints} p50`, backend: 'sqlite', value: downsampled.p50Ms, unit: 'ms', display: formatMs(downsampled.p50Ms), baseline },
      { bench, name: `downsampled to ${maxPoints} p95`, backend: 'sqlite', value: downsampled.p95Ms, unit: 'ms', display: formatMs(downsampled.p95Ms), target: { op: '<', value: 50 }, baseline },
      { bench, name: 'get-history 25,000-point page p95', backend: 'sqlite', value: page.p95Ms, unit: 'ms', display: formatMs(page.p95Ms), baseline: `p50 ${formatMs(page.p50Ms)}` },
      { bench, name: `raw read of ${formatNumber(points)} points`, backend: 'sqlite', value: raw.latency.p50Ms, unit: 'ms', display: formatMs(raw.latency.p50Ms), baseline: 'better-sqlite3 .all() of its blocks, decoded, median of 3' },
      { bench, name: `seeding ${formatNumber(points)} points`, backend: 'sqlite', value: seedMs / 1000, unit: 's', display: `${formatNumber(seedMs / 1000, 1)} s`, baseline: `${formatNumber(points / (seedMs / 1000))} points/s, one run` },
    ];
    printFigures(`metric history: ${formatNumber(points)} points, ${returned} returned by maxPoints=${maxPoints}`, figures);
    const result: MetricDownsamplingResult = { name: 'metric-downsampling', figures, details: { points, maxPoints, returned, seedMs, downsampled, getHistoryPage: page, rawReadAll: raw.latency } };
    await writeResult(result.name, result);
    keep = options.keepHome === true;
    return keep ? { ...result, home } : result;
  } finally {
    if (!keep) await removeTempDir(home);
  }
}

runIfMain(import.meta.url, () => metricDownsampling());
