import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { openStore } from '@keel/store';
import type { Page } from 'playwright-core';
import { hasChromium, launchBrowser, noChromiumReason } from '../packages/web/e2e/launch-browser.ts';
import { type BenchResult, type Figure, printFigures } from './lib/figure.ts';
import { formatMs, formatNumber } from './lib/format-number.ts';
import { KeelClient } from './lib/keel-client.ts';
import { type KeelServer, startKeelServer } from './lib/keel-server.ts';
import { type PageMarks, sampleScrollFrames, watchPageMarks } from './lib/page-marks.ts';
import { summarizeLatencies } from './lib/percentiles.ts';
import { note } from './lib/progress.ts';
import { runIfMain } from './lib/run-if-main.ts';
import { seedMetricHistory } from './lib/seed-metric-history.ts';
import { seedRuns } from './lib/seed-runs.ts';
import { checkpointWal, seedTraceSpans } from './lib/seed-trace-spans.ts';
import { makeTempDir, removeTempDir } from './lib/temp-dir.ts';
import { writeResult } from './lib/write-result.ts';

export interface WebUiOptions {
  /** KEEL_BENCH_UI_RUNS, default 10,000 (20 metrics and 5 params each). */
  runs?: number;
  /** KEEL_BENCH_UI_SPANS, default 1,000,000. */
  spans?: number;
  /** KEEL_BENCH_UI_POINTS: points of the long metric, default 1,000,000. */
  historyPoints?: number;
  /** Cold loads of each page, each in a fresh browser context (empty cache). */
  loads?: number;
}

interface Load {
  marks: PageMarks;
  /** Slowest API request the page made before the mark, ms (request start to last byte). */
  apiMs: number;
  /** Bytes of /assets/ files as sent (gzip). */
  assetBytes: number;
}

/** One cold load of `url` in a fresh context, measured to `mark`. */
async function coldLoad(newPage: () => Promise<Page>, url: string, apiKey: string, mark: keyof PageMarks): Promise<Load> {
  const page = await newPage();
  try {
    const watcher = await watchPageMarks(page, apiKey);
    const apiTimes: number[] = [];
    let assetBytes = 0;
    page.on('requestfinished', (request) => {
      if (request.url().includes('/api/')) apiTimes.push(request.timing().responseEnd);
    });
    page.on('response', (response) => {
      if (response.url().includes('/assets/')) assetBytes += Number(response.headers()['content-length'] ?? 0);
    });
    const marked = watcher.next(mark);
    await page.goto(url);
    const marks = await marked;
    return { marks, apiMs: Math.max(0, ...apiTimes), assetBytes };
  } finally {
    await page.context().close();
  }
}

/** Loads of `url` again in one tab after a first visit: HTTP cache and compiled code warm, as for a returning user. */
async function revisits(newPage: () => Promise<Page>, url: string, apiKey: string, mark: keyof PageMarks, loads: number): Promise<number> {
  const page = await newPage();
  try {
    const watcher = await watchPageMarks(page, apiKey);
    const first = watcher.next(mark);
    await page.goto(url);
    await first;
    const times: number[] = [];
    for (let index = 0; index < loads; index += 1) {
      const marked = watcher.next(mark);
      await page.goto(url);
      times.push((await marked)[mark] ?? Number.NaN);
    }
    return summarizeLatencies(times).p50Ms;
  } finally {
    await page.context().close();
  }
}

async function measurePage(newPage: () => Promise<Page>, url: string, apiKey: string, mark: keyof PageMarks, loads: number): Promise<{ p50: number; max: number; apiP50: number; assetBytes: number }> {
  // One warm-up load: the server's first queries fill SQLite's page cache, as any use would.
  await coldLoad(newPage, url, apiKey, mark);
  const results: Load[] = [];
  for (let index = 0; index < loads; index += 1) results.push(await coldLoad(newPage, url, apiKey, mark));
  const times = summarizeLatencies(results.map((result) => result.marks[mark] ?? Number.NaN));
  const api = summarizeLatencies(results.map((result) => result.apiMs));
  return { p50: times.p50Ms, max: times.maxMs, apiP50: api.p50Ms, assetBytes: results[0]?.assetBytes ?? 0 };
}

/** A static page whose HTML holds a table row: the browser's own floor for a cold load here. */
async function measureBrowserFloor(newPage: () => Promise<Page>, loads: number): Promise<number> {
  const html = '<!doctype html><html><head><meta charset="utf-8"><title>floor</title></head><body><div class="vtable-row">row</div></body></html>';
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return (await measurePage(newPage, url, 'unused', 'firstRow', loads)).p50;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function seedEverything(server: KeelServer, runs: number, historyPoints: number): Promise<{ bigExperiment: string; smallExperiment: string; longRun: string; shortRun: string }> {
  const bigExperiment = await seedRuns(server, { experimentName: 'ui-10k', runs, metricsPerRun: 20, paramsPerRun: 5 });
  const smallExperiment = await seedRuns(server, { experimentName: 'ui-10', runs: 10, metricsPerRun: 20, paramsPerRun: 5 });
  const longRun = (await seedMetricHistory(server, { experimentName: 'ui-history-long', key: 'loss', points: historyPoints })).runId;
  const shortRun = (await seedMetricHistory(server, { experimentName: 'ui-history-short', key: 'loss', points: 1000 })).runId;
  const client = new KeelClient(server.url, server.apiKey);
  try {
    await client.post('/api/v1/projects', { name: 'small' });
  } finally {
    client.close();
  }
  return { bigExperiment, smallExperiment, longRun, shortRun };
}

export async function webUi(options: WebUiOptions = {}): Promise<BenchResult> {
  const bench = 'web UI';
  if (!hasChromium) {
    note(`\n== ${bench}: skipped, ${noChromiumReason}`);
    return { name: 'web-ui', figures: [], details: { skipped: noChromiumReason } };
  }
  const runs = options.runs ?? (Number(process.env.KEEL_BENCH_UI_RUNS) || 10_000);
  const spans = options.spans ?? (Number(process.env.KEEL_BENCH_UI_SPANS) || 1_000_000);
  const historyPoints = options.historyPoints ?? (Number(process.env.KEEL_BENCH_UI_POINTS) || 1_000_000);
  const loads = options.loads ?? 5;
  note(`\n== ${bench} (sqlite, headless Chromium): ${formatNumber(runs)} runs x 20 metrics, ${formatNumber(spans)} spans, a ${formatNumber(historyPoints)}-point metric`);
  const home = await makeTempDir('web-ui');
  try {
    const first = await startKeelServer({ home });
    let seeded: Awaited<ReturnType<typeof seedEverything>>;
    try {
      seeded = await seedEverything(first, runs, historyPoints);
    } finally {
      await first.stop();
    }
    // Spans straight into the store (as the trace-query bench does): over the last 30 days, so the
    // trace list's default window holds a day's share of them.
    const database = path.join(home, 'keel.db');
    const store = await openStore({ databaseUrl: database });
    try {
      const project = await store.getProjectByName('default');
      const small = await store.getProjectByName('small');
      if (project === undefined || small === undefined) throw new Error('projects default and small are missing');
      await seedTraceSpans(store, { projectId: project.id, spans, days: 30, windowEndMs: Date.now() });
      await seedTraceSpans(store, { projectId: small.id, spans: 100, days: 1, windowEndMs: Date.now() });
    } finally {
      await store.close();
    }
    checkpointWal(database);

    const server = await startKeelServer({ home });
    const browser = await launchBrowser();
    try {
      const at = (route: string, project = 'default') => `${server.url}/p/${project}/${route}`;
      const newPage = () => browser.newPage();
      const floor = await measureBrowserFloor(newPage, loads);
      note('  runs page, 10,000 runs and 10 runs...');
      const runsBig = await measurePage(newPage, at(`experiments/${seeded.bigExperiment}`), server.apiKey, 'firstRow', loads);
      const runsSmall = await measurePage(newPage, at(`experiments/${seeded.smallExperiment}`), server.apiKey, 'firstRow', loads);
      note('  trace list, 1,000,000 spans and 100 spans...');
      const tracesBig = await measurePage(newPage, at('traces?window=30d'), server.apiKey, 'firstRow', loads);
      const tracesSmall = await measurePage(newPage, at('traces?window=30d', 'small'), server.apiKey, 'firstRow', loads);
      note('  run page, a 1,000,000-point metric and a 1,000-point one...');
      const chartBig = await measurePage(newPage, at(`runs/${seeded.longRun}`), server.apiKey, 'chart', loads);
      const chartSmall = await measurePage(newPage, at(`runs/${seeded.shortRun}`), server.apiKey, 'chart', loads);

      const runsRevisit = await revisits(newPage, at(`experiments/${seeded.bigExperiment}`), server.apiKey, 'firstRow', loads);
      const chartRevisit = await revisits(newPage, at(`runs/${seeded.longRun}`), server.apiKey, 'chart', loads);
      note('  scrolling the runs table...');
      const page = await browser.newPage();
      const watcher = await watchPageMarks(page, server.apiKey);
      const firstRow = watcher.next('firstRow');
      await page.goto(at(`experiments/${seeded.bigExperiment}`));
      await firstRow;
      const idle = await sampleScrollFrames(page, 120, 0);
      const scrolled = await sampleScrollFrames(page, 600, 120);
      await page.context().close();
      const idleFrames = summarizeLatencies(idle.intervals);
      const scrollFrames = summarizeLatencies(scrolled.intervals);
      const longFrames = scrolled.intervals.filter((interval) => interval > 50).length;

      const index = await readFile(path.resolve(import.meta.dirname, '../dist/web/index.html'), 'utf8');
      const figures: Figure[] = [
        {
          bench, name: `runs page first rows, ${formatNumber(runs)} runs (p50 of ${loads} cold loads)`, backend: 'sqlite', value: runsBig.p50, unit: 'ms', display: `${formatMs(runsBig.p50)} (max ${formatMs(runsBig.max)})`,
          target: { op: '<', value: 1500 }, baseline: `10 runs: ${formatMs(runsSmall.p50)}; its API request: ${formatMs(runsBig.apiP50)}; a static page: ${formatMs(floor)}`,
        },
        {
          bench, name: `trace list first rows, ${formatNumber(spans)} spans (p50 of ${loads} cold loads)`, backend: 'sqlite', value: tracesBig.p50, unit: 'ms', display: `${formatMs(tracesBig.p50)} (max ${formatMs(tracesBig.max)})`,
          target: { op: '<', value: 1500 }, baseline: `100 spans: ${formatMs(tracesSmall.p50)}; its API request: ${formatMs(tracesBig.apiP50)}`,
        },
        {
          bench, name: `run page with a ${formatNumber(historyPoints)}-point metric, chart drawn (p50)`, backend: 'sqlite', value: chartBig.p50, unit: 'ms', display: `${formatMs(chartBig.p50)} (max ${formatMs(chartBig.max)})`,
          target: { op: '<', value: 1000 }, baseline: `1,000 points: ${formatMs(chartSmall.p50)}; its API requests: ${formatMs(chartBig.apiP50)}; a static page: ${formatMs(floor)}`,
        },
        {
          bench, name: 'runs page first rows, revisit in the same tab (p50)', backend: 'sqlite', value: runsRevisit, unit: 'ms', display: formatMs(runsRevisit),
          baseline: `cold load: ${formatMs(runsBig.p50)}`,
        },
        {
          bench, name: `run page with a ${formatNumber(historyPoints)}-point metric, revisit in the same tab (p50)`, backend: 'sqlite', value: chartRevisit, unit: 'ms', display: formatMs(chartRevisit),
          baseline: `cold load: ${formatMs(chartBig.p50)}`,
        },
        {
          bench, name: `runs table scroll: frame interval p95 (${scrolled.intervals.length} frames, 120 px each)`, backend: 'sqlite', value: scrollFrames.p95Ms, unit: 'ms', display: `${formatMs(scrollFrames.p95Ms)} (p50 ${formatMs(scrollFrames.p50Ms)}, ${longFrames} frames > 50 ms, reached row ${formatNumber(scrolled.lastRowIndex)})`,
          target: { op: '<', value: 34 }, baseline: `idle frames on the same page: p95 ${formatMs(idleFrames.p95Ms)}`,
        },
        {
          bench, name: 'first page (runs) JS + CSS, gzipped as served', backend: 'sqlite', value: runsBig.assetBytes / 1024, unit: 'KB', display: `${formatNumber(runsBig.assetBytes / 1024, 1)} KB`,
          target: { op: '<', value: 500 }, baseline: `trace list: ${formatNumber(tracesBig.assetBytes / 1024, 1)} KB; run page: ${formatNumber(chartBig.assetBytes / 1024, 1)} KB`,
        },
      ];
      printFigures('Web UI in headless Chromium', figures);
      const details = { browserFloorMs: floor, runsRevisit, chartRevisit, runs, spans, historyPoints, loads, runsBig, runsSmall, tracesBig, tracesSmall, chartBig, chartSmall, idleFrames, scrollFrames, longFrames, entry: index.match(/assets\/[^"]+/g) };
      await writeResult('web-ui', { figures, details });
      return { name: 'web-ui', figures, details };
    } finally {
      await browser.close();
      await server.stop();
    }
  } finally {
    await removeTempDir(home);
  }
}

runIfMain(import.meta.url, () => webUi());
