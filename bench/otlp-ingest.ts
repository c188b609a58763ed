import path from 'node:path';
import { type BenchResult, type Figure, printFigures } from './lib/figure.ts';
import { formatMb, formatMs, formatNumber, formatPercent } from './lib/format-number.ts';
import { startKeelServer } from './lib/keel-server.ts';
import { type LoadResult, requireNoErrors } from './lib/load-generator.ts';
import { type OtlpBatch, otlpTraceBatches } from './lib/otlp-trace-batches.ts';
import { summarizeLatencies } from './lib/percentiles.ts';
import { probeIdle, startLatencyProber } from './lib/latency-prober.ts';
import { otlpClosedLoop } from './lib/otlp-closed-loop.ts';
import { otlpFloor } from './lib/otlp-floor.ts';
import { note } from './lib/progress.ts';
import { rawSpanInsert } from './lib/raw-span-insert.ts';
import { type RssSamples, startRssSampler } from './lib/rss-sampler.ts';
import { runIfMain } from './lib/run-if-main.ts';
import { createSpanIds } from './lib/span-ids.ts';
import { checkStoredSpans, storedSpanChars } from './lib/stored-spans.ts';
import { makeTempDir, removeTempDir } from './lib/temp-dir.ts';
import { writeResult } from './lib/write-result.ts';

export interface OtlpIngestShape {
  exporters: number;
  batchesPerExporter: number;
  batchSize: number;
}

export const defaultOtlpIngestShape: OtlpIngestShape = { exporters: 8, batchesPerExporter: 75, batchSize: 100 };

export interface OtlpIngestResult extends BenchResult {
  /** Spans/s Keel acknowledged under the closed-loop load: the overload bench sends twice this. */
  spansPerSecond: number;
}

/** What the API prober reads during the load: a small authenticated read. */
const probePath = '/api/v1/projects';

const otlpLoad = (url: string, apiKey: string, bodies: readonly (readonly OtlpBatch[])[]): Promise<LoadResult> => otlpClosedLoop(url, { authorization: `Bearer ${apiKey}` }, bodies);

/**
 * Tracing figure 1: OTLP/HTTP protobuf ingest, `exporters` concurrent exporters each sending batches
 * of 100 GenAI spans (encoded by OpenTelemetry's own ProtobufTraceSerializer before the clock
 * starts) as fast as they are acknowledged. Baseline: the same rows inserted with better-sqlite3
 * straight into a `spans` table of the same schema, in the same run.
 */
export async function otlpIngest(shape: OtlpIngestShape = defaultOtlpIngestShape): Promise<OtlpIngestResult> {
  const bench = 'OTLP ingest';
  note(`\n== ${bench} (sqlite): ${shape.exporters} exporters x ${shape.batchesPerExporter} protobuf batches of ${shape.batchSize} GenAI spans`);
  const encodeStarted = performance.now();
  const ids = createSpanIds();
  const warmup = otlpTraceBatches(2 * shape.exporters, shape.batchSize, ids, 7);
  const all = otlpTraceBatches(shape.exporters * shape.batchesPerExporter, shape.batchSize, ids, 1);
  const plan = Array.from({ length: shape.exporters }, (_unused, exporter) => all.slice(exporter * shape.batchesPerExporter, (exporter + 1) * shape.batchesPerExporter));
  // One exporter alone: the acknowledgement time of a batch that waits behind nobody.
  const alone = otlpTraceBatches(30, shape.batchSize, ids, 3);
  // Then twice as many fresh spans by the same exporters: a load that lasts long enough for the WAL
  // to reach the checkpointer's RESTART bound (ADR 0003), which the measured burst alone does not.
  const longerPerExporter = 2 * shape.batchesPerExporter;
  const longer = otlpTraceBatches(shape.exporters * longerPerExporter, shape.batchSize, ids, 5);
  const longerPlan = Array.from({ length: shape.exporters }, (_unused, exporter) => longer.slice(exporter * longerPerExporter, (exporter + 1) * longerPerExporter));
  const bodyBytes = all.reduce((total, batch) => total + batch.body.length, 0);
  note(`  encoded ${formatNumber(all.length + warmup.length + alone.length + longer.length)} requests (${formatMb(bodyBytes / 1024 / 1024)} measured) in ${formatNumber(performance.now() - encodeStarted)} ms`);

  const warmupPlan = Array.from({ length: shape.exporters }, (_unused, index) => [warmup[index * 2], warmup[index * 2 + 1]].filter((batch) => batch !== undefined));
  const home = await makeTempDir('otlp-ingest');
  try {
    const server = await startKeelServer({ home });
    let load: LoadResult;
    let single: LoadResult;
    let lasting: LoadResult;
    let rss: RssSamples;
    let apiIdle: Float64Array;
    let apiDuringLoad: Float64Array;
    try {
      requireNoErrors('OTLP warm-up', await otlpLoad(server.url, server.apiKey, warmupPlan));
      // A user of the API meanwhile: the same GET, first with nothing else running, then during the load.
      const probeHeaders = { authorization: `Bearer ${server.apiKey}` };
      apiIdle = await probeIdle(server.url, probePath, probeHeaders, 100);
      const prober = startLatencyProber(server.url, probePath, probeHeaders);
      const sampler = startRssSampler(server.pid, 25);
      load = await otlpLoad(server.url, server.apiKey, plan);
      rss = sampler.stop();
      apiDuringLoad = await prober.stop();
      requireNoErrors('OTLP ingest', load);
      single = await otlpLoad(server.url, server.apiKey, [alone]);
      requireNoErrors('OTLP ingest, 1 exporter', single);
      lasting = await otlpLoad(server.url, server.apiKey, longerPlan);
      requireNoErrors('OTLP ingest, longer load', lasting);
    } finally {
      await server.stop();
    }
    const database = path.join(home, 'keel.db');
    // Acknowledged means durable: every span of every answered request must be in the file.
    const sent = [...warmup, ...all, ...alone, ...longer];
    const check = checkStoredSpans(database, sent.flatMap((batch) => batch.spans));
    if (check.missing > 0 || check.stored !== check.checked) throw new Error(`OTLP ingest: ${check.missing} of ${check.checked} acknowledged spans missing (first ${check.firstMissing ?? '-'}); ${check.stored} stored`);
    const stored = storedSpanChars(database);
    const spans = all.length * shape.batchSize;
    const spansPerSecond = (spans / load.elapsedMs) * 1000;
    note(`  keel: ${formatNumber(spansPerSecond)} spans/s, all ${formatNumber(check.checked)} acknowledged spans on disk; raw baseline...`);
    const raw = await rawSpanInsert(database, plan.map((batches) => batches.map((batch) => batch.spans)));
    // What the same client measures on this machine for a server that only decodes and inserts.
    const floor = await otlpFloor(home, warmupPlan, plan);
    const floorLatency = summarizeLatencies(floor.latenciesMs);
    const floorSpansPerSecond = (spans / floor.elapsedMs) * 1000;

    const keel = summarizeLatencies(load.latenciesMs);
    const rawLatency = summarizeLatencies(raw.latenciesMs);
    const aloneLatency = summarizeLatencies(single.latenciesMs);
    const lastingLatency = summarizeLatencies(lasting.latenciesMs);
    const lastingSpans = longer.length * shape.batchSize;
    const api = summarizeLatencies(apiDuringLoad);
    const apiAlone = summarizeLatencies(apiIdle);
    const share = (spansPerSecond / raw.pointsPerSecond) * 100;
    const rawText = `${raw.what} into spans: ${formatNumber(raw.pointsPerSecond)} spans/s`;
    const megabytesPerSecond = bodyBytes / 1024 / 1024 / (load.elapsedMs / 1000);
    const figures: Figure[] = [
      { bench, name: 'spans/s', backend: 'sqlite', value: spansPerSecond, unit: 'spans/s', display: formatNumber(spansPerSecond), target: { op: '>=', value: 30_000 }, baseline: rawText },
      { bench, name: 'Keel as % of raw insert', backend: 'sqlite', value: share, unit: '%', display: formatPercent(share), baseline: rawText },
      { bench, name: 'ack p50', backend: 'sqlite', value: keel.p50Ms, unit: 'ms', display: formatMs(keel.p50Ms), baseline: `raw txn p50 ${formatMs(rawLatency.p50Ms)}` },
      { bench, name: 'ack p95', backend: 'sqlite', value: keel.p95Ms, unit: 'ms', display: formatMs(keel.p95Ms), baseline: `raw txn p95 ${formatMs(rawLatency.p95Ms)}` },
      { bench, name: 'ack p99', backend: 'sqlite', value: keel.p99Ms, unit: 'ms', display: formatMs(keel.p99Ms), target: { op: '<', value: 50 }, baseline: `raw txn p99 ${formatMs(rawLatency.p99Ms)}; floor server p99 ${formatMs(floorLatency.p99Ms)}` },
      {
        bench, name: 'floor server: spans/s', backend: 'sqlite', value: floorSpansPerSecond, unit: 'spans/s', display: formatNumber(floorSpansPerSecond),
        baseline: `node:http + Keel's protobuf decoder + one INSERT per request, one thread, no checkpoints; same client, warm-up and requests: ack p50 ${formatMs(floorLatency.p50Ms)}, p95 ${formatMs(floorLatency.p95Ms)}, p99 ${formatMs(floorLatency.p99Ms)}`,
      },
      { bench, name: 'ack p50, 1 exporter', backend: 'sqlite', value: aloneLatency.p50Ms, unit: 'ms', display: formatMs(aloneLatency.p50Ms), baseline: `1 exporter: ${formatNumber((single.completed * shape.batchSize * 1000) / single.elapsedMs)} spans/s, p95 ${formatMs(aloneLatency.p95Ms)}` },
      {
        bench, name: 'ack p99 / longest, longer load', backend: 'sqlite', value: lastingLatency.p99Ms, unit: 'ms', display: `${formatMs(lastingLatency.p99Ms)} / ${formatMs(lastingLatency.maxMs)}`,
        baseline: `${formatNumber(lastingSpans)} spans more right after: ${formatNumber((lastingSpans * 1000) / lasting.elapsedMs)} spans/s, p50 ${formatMs(lastingLatency.p50Ms)}`,
      },
      { bench, name: `GET ${probePath} p50 during ingest`, backend: 'sqlite', value: api.p50Ms, unit: 'ms', display: formatMs(api.p50Ms), baseline: `idle p50 ${formatMs(apiAlone.p50Ms)} (${apiIdle.length} probes; ${apiDuringLoad.length} during the load)` },
      { bench, name: `GET ${probePath} p99 during ingest`, backend: 'sqlite', value: api.p99Ms, unit: 'ms', display: formatMs(api.p99Ms), baseline: `idle p99 ${formatMs(apiAlone.p99Ms)}` },
      { bench, name: 'protobuf MB/s received', backend: 'sqlite', value: megabytesPerSecond, unit: 'MB/s', display: `${formatNumber(megabytesPerSecond, 1)} MB/s`, baseline: `${formatNumber(bodyBytes / all.length / 1024, 1)} KB per 100-span request` },
      {
        bench, name: 'spans table bytes per span', backend: 'sqlite', value: stored.pageBytes, unit: 'B', display: `${formatNumber(stored.pageBytes)} B`,
        baseline: `characters per span: input ${formatNumber(stored.input)}, output ${formatNumber(stored.output)}, raw ${formatNumber(stored.raw)}`,
      },
      { bench, name: 'server peak RSS during run', backend: 'sqlite', value: rss.peakMb, unit: 'MB', display: formatMb(rss.peakMb), baseline: `VmHWM ${formatMb(rss.highWaterMb)}` },
    ];
    printFigures(`OTLP ingest (sqlite): ${formatNumber(spans)} spans in ${formatNumber(load.elapsedMs)} ms`, figures);
    const result: OtlpIngestResult = {
      name: 'otlp-ingest-sqlite',
      figures,
      spansPerSecond,
      details: {
        shape, bodyBytes, stored: check, storedChars: stored,
        keel: { elapsedMs: load.elapsedMs, spans, spansPerSecond, latency: keel, rss: { peakMb: rss.peakMb, highWaterMb: rss.highWaterMb } },
        oneExporter: { requests: single.completed, elapsedMs: single.elapsedMs, latency: aloneLatency },
        longerLoad: { spans: lastingSpans, elapsedMs: lasting.elapsedMs, latency: lastingLatency },
        api: { path: probePath, idle: apiAlone, duringLoad: api },
        raw: { what: raw.what, spans: raw.points, elapsedMs: raw.elapsedMs, spansPerSecond: raw.pointsPerSecond, latency: rawLatency },
        floorServer: { elapsedMs: floor.elapsedMs, spansPerSecond: floorSpansPerSecond, latency: floorLatency },
      },
    };
    await writeResult(result.name, result);
    return result;
  } finally {
    await removeTempDir(home);
  }
}

runIfMain(import.meta.url, () => otlpIngest());
