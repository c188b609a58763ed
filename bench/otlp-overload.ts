import path from 'node:path';
import { type BenchResult, type Figure, printFigures } from './lib/figure.ts';
import { formatMb, formatMs, formatNumber } from './lib/format-number.ts';
import { type KeelServer, startKeelServer } from './lib/keel-server.ts';
import { requireNoErrors, runLoad } from './lib/load-generator.ts';
import { seededRandom } from './lib/metric-batches.ts';
import { createOtlpStamper, type OtlpBatchTemplate, otlpBatchTemplate, type OtlpStamper } from './lib/otlp-batch-template.ts';
import { plannedBatch } from './lib/otlp-trace-batches.ts';
import { runOpenLoop } from './lib/open-loop-load.ts';
import { summarizeLatencies } from './lib/percentiles.ts';
import { note } from './lib/progress.ts';
import { startRssSampler } from './lib/rss-sampler.ts';
import { runIfMain } from './lib/run-if-main.ts';
import { createSpanIds } from './lib/span-ids.ts';
import { checkStoredSpans } from './lib/stored-spans.ts';
import { makeTempDir, removeTempDir } from './lib/temp-dir.ts';
import { writeResult } from './lib/write-result.ts';

export interface OtlpOverloadOptions {
  /** Spans/s measured by the ingest bench in the same run; measured here (8 exporters, closed loop) when absent. */
  capacitySpansPerSecond?: number | undefined;
  /** KEEL_BENCH_OVERLOAD_S, default 60. */
  durationS?: number;
  /** Offered load as a multiple of capacity. */
  factor?: number;
  maxInFlight?: number;
  batchSize?: number;
}

interface Stamp {
  template: OtlpBatchTemplate;
  traceBase: number;
  spanBase: number;
}

const otlpPath = '/v1/traces';

/** 8 exporters in a closed loop for a few seconds: what the server keeps up with (after a warm-up). */
async function measureCapacity(server: KeelServer, templates: readonly OtlpBatchTemplate[], stamper: OtlpStamper, sent: Stamp[], batchSize: number): Promise<number> {
  const run = (durationMs: number) =>
    runLoad({
      baseUrl: server.url, concurrency: 8, durationMs, headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/x-protobuf' },
      request: (worker, index) => {
        const template = templates[(worker * 31 + index) % templates.length] as OtlpBatchTemplate;
        const stamped = stamper.stamp(template);
        sent.push({ template, traceBase: stamped.traceBase, spanBase: stamped.spanBase });
        return { method: 'POST', path: otlpPath, body: stamped.body };
      },
    });
  requireNoErrors('capacity warm-up', await run(2000));
  const load = await run(8000);
  requireNoErrors('capacity', load);
  return (load.completed * batchSize * 1000) / load.elapsedMs;
}

/**
 * Tracing figure 4: OTLP ingest offered at twice the measured capacity for 60 s, open loop (a batch
 * every 1/rate seconds whatever the answers, at most 256 unanswered). The server must stay under
 * 500 MB resident, shed load with 503 + Retry-After, and hold every span it acknowledged: the
 * server is killed (SIGKILL) the moment the load ends and the SQLite file is then read directly.
 */
export async function otlpOverload(options: OtlpOverloadOptions = {}): Promise<BenchResult> {
  const durationS = options.durationS ?? (Number(process.env.KEEL_BENCH_OVERLOAD_S) || 60);
  const factor = options.factor ?? 2;
  const maxInFlight = options.maxInFlight ?? 256;
  const batchSize = options.batchSize ?? 100;
  const bench = 'OTLP overload';
  note(`\n== ${bench} (sqlite): ${factor}x capacity for ${durationS} s, open loop, at most ${maxInFlight} requests in flight`);
  const random = seededRandom(11);
  const throwaway = createSpanIds();
  const templates = Array.from({ length: 24 }, (_unused, index) => otlpBatchTemplate(plannedBatch(random, throwaway, batchSize, Date.now() - 600_000 + index * 1000)));
  const stamper = createOtlpStamper();
  const home = await makeTempDir('otlp-overload');
  try {
    const server = await startKeelServer({ home });
    const acknowledged: Stamp[] = [];
    const inFlight = new Map<number, Stamp>();
    const retryAfterMissing = { count: 0 };
    let capacity: number;
    let capacitySource: string;
    let run;
    let rss;
    let idleRssMb: number;
    try {
      const capacityStamps: Stamp[] = [];
      if (options.capacitySpansPerSecond === undefined) {
        capacity = await measureCapacity(server, templates, stamper, capacityStamps, batchSize);
        capacitySource = '8 exporters, closed loop, 8 s, this server';
      } else {
        capacity = options.capacitySpansPerSecond;
        capacitySource = 'OTLP ingest bench, same run';
      }
      acknowledged.push(...capacityStamps);
      idleRssMb = startRssSampler(server.pid).stop().lastMb;
      const ratePerSecond = (factor * capacity) / batchSize;
      note(`  capacity ${formatNumber(capacity)} spans/s (${capacitySource}); offering ${formatNumber(ratePerSecond, 1)} requests/s (${formatNumber(ratePerSecond * batchSize)} spans/s)`);
      const sampler = startRssSampler(server.pid, 100);
      let lastNote = performance.now();
      run = await runOpenLoop({
        baseUrl: server.url, ratePerSecond, durationMs: durationS * 1000, maxInFlight,
        headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/x-protobuf' },
        request: (index) => {
          const template = templates[index % templates.length] as OtlpBatchTemplate;
          const stamped = stamper.stamp(template);
          inFlight.set(index, { template, traceBase: stamped.traceBase, spanBase: stamped.spanBase });
          return { method: 'POST', path: otlpPath, body: stamped.body };
        },
        onAnswer: (index, status, headers) => {
          const stamp = inFlight.get(index);
          inFlight.delete(index);
          if (status === 200 && stamp !== undefined) acknowledged.push(stamp);
          if (status === 503 && headers['retry-after'] === undefined) retryAfterMissing.count += 1;
        },
        onProgress: (sent) => {
          if (performance.now() - lastNote < 10_000) return;
          lastNote = performance.now();
          note(`  [overload] ${formatNumber(sent)} requests sent, ${formatNumber(acknowledged.length)} acknowledged, RSS ${formatMb(sampler.stop().lastMb)}`);
        },
      });
      rss = sampler.stop();
      // Acknowledged must mean durable: no graceful shutdown gets a chance to finish writing.
      process.kill(server.pid, 'SIGKILL');
    } finally {
      await server.stop();
    }
    const spans = acknowledged.flatMap((stamp) => stamper.spansOf(stamp.template, stamp.traceBase, stamp.spanBase));
    const check = checkStoredSpans(path.join(home, 'keel.db'), spans);
    const ok = run.statuses[200] ?? 0;
    const refused = run.statuses[503] ?? 0;
    const other = Object.entries(run.statuses).filter(([status]) => status !== '200' && status !== '503').reduce((total, [, count]) => total + count, 0);
    const latency = summarizeLatencies(run.latenciesMs);
    const acceptedPerSecond = (ok * batchSize * 1000) / run.elapsedMs;
    const offeredText = `offered ${formatNumber((run.offered * batchSize * 1000) / run.elapsedMs)} spans/s = ${factor} x ${formatNumber(capacity)} (${capacitySource})`;
    const figures: Figure[] = [
      { bench, name: 'server peak RSS', backend: 'sqlite', value: rss.peakMb, unit: 'MB', display: formatMb(rss.peakMb), target: { op: '<', value: 500 }, baseline: `before the overload ${formatMb(idleRssMb)}; VmHWM ${formatMb(rss.highWaterMb)}` },
      { bench, name: '503 answers', backend: 'sqlite', value: refused, unit: 'answers', display: formatNumber(refused), target: { op: '>=', value: 1 }, baseline: `${formatNumber(ok)} x 200, ${formatNumber(other)} other, ${formatNumber(run.failed)} no answer; ${formatNumber(retryAfterMissing.count)} 503s without Retry-After` },
      { bench, name: 'acknowledged spans lost', backend: 'sqlite', value: check.missing, unit: 'spans', display: formatNumber(check.missing), target: { op: '<', value: 1 }, baseline: `${formatNumber(check.checked)} acknowledged, ${formatNumber(check.stored)} in the file after SIGKILL` },
      { bench, name: 'spans/s acknowledged under overload', backend: 'sqlite', value: acceptedPerSecond, unit: 'spans/s', display: formatNumber(acceptedPerSecond), baseline: offeredText },
      { bench, name: 'answer p50 / p99 (200 and 503)', backend: 'sqlite', value: latency.p99Ms, unit: 'ms', display: `${formatMs(latency.p50Ms)} / ${formatMs(latency.p99Ms)}`, baseline: `${formatNumber(run.skipped)} requests not sent: ${maxInFlight} already in flight` },
    ];
    printFigures(`OTLP overload (sqlite): ${formatNumber(run.sent)} requests in ${formatNumber(run.elapsedMs / 1000, 1)} s`, figures);
    const result: BenchResult = {
      name: 'otlp-overload-sqlite',
      figures,
      details: {
        durationS, factor, maxInFlight, batchSize, capacitySpansPerSecond: capacity, capacitySource,
        load: { offered: run.offered, sent: run.sent, skipped: run.skipped, statuses: run.statuses, failed: run.failed, firstFailure: run.firstFailure, elapsedMs: run.elapsedMs, maxInFlightSeen: run.maxInFlightSeen, latency },
        retryAfterMissing: retryAfterMissing.count, stored: check, rss: { peakMb: rss.peakMb, highWaterMb: rss.highWaterMb, idleMb: idleRssMb },
      },
    };
    await writeResult(result.name, result);
    return result;
  } finally {
    await removeTempDir(home);
  }
}

runIfMain(import.meta.url, () => otlpOverload());
