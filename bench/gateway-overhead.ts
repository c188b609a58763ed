import { readProcStatusMb } from './lib/rss-sampler.ts';
import { type BenchResult, type Figure, printFigures } from './lib/figure.ts';
import { formatMs, formatNumber } from './lib/format-number.ts';
import { configureBenchGateway } from './lib/configure-bench-gateway.ts';
import { keepAliveAgent } from './lib/http-request.ts';
import { startKeelServer } from './lib/keel-server.ts';
import { requireNoErrors, runLoad } from './lib/load-generator.ts';
import { median, percentile, summarizeLatencies } from './lib/percentiles.ts';
import { note } from './lib/progress.ts';
import { runIfMain } from './lib/run-if-main.ts';
import { hasWrk, requireNoWrkErrors, runWrk } from './lib/run-wrk.ts';
import { startFakeUpstream, startMinimalProxy } from './lib/start-url-process.ts';
import { timeStream } from './lib/stream-client.ts';
import { makeTempDir, removeTempDir } from './lib/temp-dir.ts';
import { writeResult } from './lib/write-result.ts';

export interface GatewayOverheadOptions {
  /** Sequential requests per round at concurrency 1 (rounds alternate direct and gateway). */
  sequential?: number;
  rounds?: number;
  /** Seconds of load at concurrency 128, each way. */
  throughputSeconds?: number;
  concurrentStreams?: number;
  /** Seconds of the memory soak (the issue asks for 300). */
  soakSeconds?: number;
  /** Rounds of c=128 load each way, alternating; the figures are the medians. */
  throughputRounds?: number;
}

const upstreamLatencyMs = 20;
const ttftStreamsPerRound = 150;
/** The chat request every c=1 and c=128 figure sends. */
export const chatBody = JSON.stringify({ model: 'bench-model', max_tokens: 64, messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Say something about foxes and dogs.' }] });
const streamBody = JSON.stringify({ model: 'bench-model', max_tokens: 64, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Stream something about foxes.' }] });
/** The streamed request the time-to-first-token figures send, to the paced upstream's model. */
export const pacedStreamBody = streamBody.replace('bench-model', 'paced-model');

/**
 * The upstream that the time-to-first-token figures stream from: 20 ms, then a chunk every 20 ms,
 * a short reply (a role chunk, four words, the finish and usage chunks).
 */
export const startPacedUpstream = () => startFakeUpstream(upstreamLatencyMs, 20, 'Foxes run fast today.');

/** The upstream's own path for a gateway path: the fake serves `/v1/...` at its root. */
export function directPath(baseURL: string, path: string): string {
  return `${new URL(baseURL).pathname.replace(/\/v1$/, '')}${path}`;
}

/**
 * Gateway overhead (issue 4): the same OpenAI requests sent straight to a fake upstream with a
 * fixed 20 ms latency, and through `keel server` with a virtual key, limits (rpm, tpm, budgets on
 * the key and the project), cost and tracing on. Added latency at concurrency 1, throughput at
 * 128, streamed time to first token, 1,000 concurrent streams, and resident memory over a soak.
 */
export async function gatewayOverhead(options: GatewayOverheadOptions = {}): Promise<BenchResult> {
  const sequential = options.sequential ?? 1000;
  const rounds = options.rounds ?? 4;
  const throughputMs = (options.throughputSeconds ?? 10) * 1000;
  const throughputRounds = options.throughputRounds ?? 3;
  const concurrentStreams = options.concurrentStreams ?? 1000;
  const soakMs = (options.soakSeconds ?? Number(process.env.KEEL_BENCH_SOAK_SECONDS ?? 300)) * 1000;
  const bench = 'gateway';
  note(`\n== ${bench}: upstream latency ${upstreamLatencyMs} ms; ${rounds} x ${sequential} sequential each way; ${throughputRounds} x ${throughputMs / 1000} s at c=128 each way; ${concurrentStreams} concurrent streams; ${soakMs / 1000} s soak`);
  const home = await makeTempDir('gateway');
  const upstream = await startFakeUpstream(upstreamLatencyMs);
  // A short reply (a role chunk, four words, the finish and usage chunks): a stream takes about
  // 120 ms, so the time-to-first-token p99 rests on 600 streams per path, not a handful.
  const pacedUpstream = await startPacedUpstream();
  const proxy = await startMinimalProxy(upstream.baseURL);
  const pacedProxy = await startMinimalProxy(pacedUpstream.baseURL);
  const server = await startKeelServer({ home });
  try {
    const secret = await configureBenchGateway(server, [
      { provider: 'fake', model: 'bench-model', baseURL: upstream.baseURL },
      { provider: 'paced', model: 'paced-model', baseURL: pacedUpstream.baseURL },
    ]);
    const gatewayHeaders = { authorization: `Bearer ${secret}` };
    const upstreamHeaders = { authorization: 'Bearer sk-bench' };
    const chatPath = '/v1/chat/completions';
    const direct = { baseUrl: upstream.baseURL, path: directPath(upstream.baseURL, chatPath), headers: upstreamHeaders };
    const gateway = { baseUrl: server.url, path: chatPath, headers: gatewayHeaders };
    // A floor, not a target: the same hop through the least a Node gateway can do (bench/lib/minimal-proxy-process.ts).
    const minimal = { baseUrl: proxy.baseURL, path: directPath(proxy.baseURL, chatPath), headers: upstreamHeaders };

    // Warm every path (connections, JIT, the tokenizer's table).
    for (const target of [direct, minimal, gateway]) {
      const warm = await runLoad({ baseUrl: target.baseUrl, concurrency: 8, requests: 400, headers: target.headers, request: () => ({ method: 'POST', path: target.path, body: chatBody }) });
      requireNoErrors('warm-up', warm);
    }

    // 1. Added latency at concurrency 1, rounds interleaved so drift hits every path alike.
    const directLatencies: number[] = [];
    const minimalLatencies: number[] = [];
    const gatewayLatencies: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      for (const [target, sink] of [[direct, directLatencies], [minimal, minimalLatencies], [gateway, gatewayLatencies]] as const) {
        const load = await runLoad({ baseUrl: target.baseUrl, concurrency: 1, requests: sequential, headers: target.headers, request: () => ({ method: 'POST', path: target.path, body: chatBody }) });
        requireNoErrors('sequential', load);
        sink.push(...load.latenciesMs);
      }
    }
    const directSummary = summarizeLatencies(directLatencies);
    const minimalSummary = summarizeLatencies(minimalLatencies);
    const gatewaySummary = summarizeLatencies(gatewayLatencies);
    const addedP50 = gatewaySummary.p50Ms - directSummary.p50Ms;
    const addedP99 = gatewaySummary.p99Ms - directSummary.p99Ms;
    const floorP50 = minimalSummary.p50Ms - directSummary.p50Ms;
    const floorP99 = minimalSummary.p99Ms - directSummary.p99Ms;
    note(`c=1: direct p50 ${formatMs(directSummary.p50Ms)} p99 ${formatMs(directSummary.p99Ms)}; minimal proxy p50 ${formatMs(minimalSummary.p50Ms)} p99 ${formatMs(minimalSummary.p99Ms)}; gateway p50 ${formatMs(gatewaySummary.p50Ms)} p99 ${formatMs(gatewaySummary.p99Ms)}`);

    // 2. Streamed time to first token at concurrency 1 (upstream: 20 ms, then a chunk every 20 ms),
    // like the added latency on a quiet server: after the c=128 load, the spans of its requests are
    // still being written for a while, and every path measured then shares the two cores with that.
    const agent = keepAliveAgent(concurrentStreams + 8);
    const directTtft: number[] = [];
    const minimalTtft: number[] = [];
    const gatewayTtft: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      for (let index = 0; index < ttftStreamsPerRound; index += 1) {
        const d = await timeStream(agent, new URL(pacedUpstream.baseURL), directPath(pacedUpstream.baseURL, chatPath), upstreamHeaders, pacedStreamBody);
        const m = await timeStream(agent, new URL(pacedProxy.baseURL), directPath(pacedProxy.baseURL, chatPath), upstreamHeaders, pacedStreamBody);
        const g = await timeStream(agent, new URL(server.url), chatPath, gatewayHeaders, pacedStreamBody);
        if (d.status !== 200 || m.status !== 200 || g.status !== 200) throw new Error(`stream answered ${d.status} / ${m.status} / ${g.status}`);
        directTtft.push(d.firstTokenMs);
        minimalTtft.push(m.firstTokenMs);
        gatewayTtft.push(g.firstTokenMs);
      }
    }
    const addedTtftP99 = percentile(gatewayTtft, 99) - percentile(directTtft, 99);
    const floorTtftP99 = percentile(minimalTtft, 99) - percentile(directTtft, 99);
    note(`TTFT p99: direct ${formatMs(percentile(directTtft, 99))}, minimal proxy ${formatMs(percentile(minimalTtft, 99))}, gateway ${formatMs(percentile(gatewayTtft, 99))}`);

    // 3. Throughput at concurrency 128: with wrk where installed (its C client takes far less of
    // the two cores than the Node load generator), else with the Node load generator.
    const loadTool = hasWrk() ? 'wrk' : 'node';
    // The gateway's latency at c=128, per wrk round: p99 and maximum.
    const gatewayLoadLatency: string[] = [];
    const throughput = async (target: typeof direct, label: string): Promise<number> => {
      if (loadTool === 'wrk') {
        const result = await runWrk(`${new URL(target.baseUrl).origin}${target.path}`, { connections: 128, seconds: throughputMs / 1000, body: chatBody, headers: target.headers });
        requireNoWrkErrors(label, result, target === gateway ? `; the server's last output:\n${server.outputTail()}` : '');
        if (target === gateway) gatewayLoadLatency.push(`${formatMs(result.latencyP99Ms)} / ${formatMs(result.latencyMaxMs)}`);
        return result.requestsPerSecond;
      }
      const load = await runLoad({ baseUrl: target.baseUrl, concurrency: 128, durationMs: throughputMs, headers: target.headers, request: () => ({ method: 'POST', path: target.path, body: chatBody }) });
      requireNoErrors(label, load);
      return load.requestsPerSecond;
    };
    // One 10 s sample swings by 10-15 % on this shared machine: rounds alternate direct and
    // gateway, and each figure is the median of its rounds (all of them printed beside it).
    const directRounds: number[] = [];
    const gatewayRounds: number[] = [];
    for (let round = 0; round < throughputRounds; round += 1) {
      directRounds.push(await throughput(direct, 'direct c=128'));
      gatewayRounds.push(await throughput(gateway, 'gateway c=128'));
      note(`c=128 (${loadTool}) round ${round + 1} of ${throughputRounds}: direct ${formatNumber(directRounds[round] ?? 0)}/s, gateway ${formatNumber(gatewayRounds[round] ?? 0)}/s${gatewayLoadLatency[round] === undefined ? '' : ` (latency p99 / max ${gatewayLoadLatency[round]})`}`);
    }
    const directLoad = { requestsPerSecond: median(directRounds) };
    const gatewayLoad = { requestsPerSecond: median(gatewayRounds) };
    const roundsText = (values: number[]): string => values.map((value) => formatNumber(value)).join(' / ');

    // 4. Concurrent streams through the gateway: all complete, no long gaps between chunks.
    const streams = await Promise.all(Array.from({ length: concurrentStreams }, () => timeStream(agent, new URL(server.url), chatPath, gatewayHeaders, pacedStreamBody).catch(() => null)));
    agent.destroy();
    const finished = streams.filter((stream) => stream !== null && stream.status === 200 && stream.events > 3);
    const gaps = finished.map((stream) => stream?.maxGapMs ?? 0);
    const stalls = gaps.filter((gap) => gap > 1000).length;
    note(`${concurrentStreams} streams: ${finished.length} complete, max gap p99 ${formatMs(percentile(gaps, 99))}, ${stalls} gaps over 1 s`);

    // 5. Memory over a soak at concurrency 32.
    const samples: { atS: number; rssMb: number }[] = [];
    const soakStarted = performance.now();
    const sampler = setInterval(() => samples.push({ atS: (performance.now() - soakStarted) / 1000, rssMb: readProcStatusMb(server.pid) }), 1000);
    const soak = await runLoad({ baseUrl: gateway.baseUrl, concurrency: 32, durationMs: soakMs, headers: gateway.headers, request: (_worker, index) => ({ method: 'POST', path: gateway.path, body: index % 4 === 0 ? streamBody : chatBody }) });
    clearInterval(sampler);
    requireNoErrors('soak', soak);
    const windowS = Math.min(60, soakMs / 5000);
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
    // The first window after warm-up against the last one.
    const early = mean(samples.filter((sample) => sample.atS >= windowS && sample.atS < 2 * windowS).map((sample) => sample.rssMb));
    const late = mean(samples.filter((sample) => sample.atS >= soakMs / 1000 - windowS).map((sample) => sample.rssMb));
    const growthPercent = ((late - early) / early) * 100;
    note(`soak: ${formatNumber(soak.completed)} requests; RSS ${early.toFixed(1)} MB -> ${late.toFixed(1)} MB (${growthPercent.toFixed(1)} %)`);

    const figures: Figure[] = [
      { bench, name: 'added latency p50, c=1', backend: 'sqlite', value: addedP50, unit: 'ms', display: formatMs(addedP50), target: { op: '<', value: 1 }, baseline: `direct p50 ${formatMs(directSummary.p50Ms)}; gateway ${formatMs(gatewaySummary.p50Ms)}` },
      { bench, name: 'added latency p99, c=1', backend: 'sqlite', value: addedP99, unit: 'ms', display: formatMs(addedP99), target: { op: '<', value: 3 }, baseline: `direct p99 ${formatMs(directSummary.p99Ms)}; gateway ${formatMs(gatewaySummary.p99Ms)}` },
      { bench, name: 'minimal proxy added p50, c=1 (floor)', backend: 'sqlite', value: floorP50, unit: 'ms', display: formatMs(floorP50), baseline: `bare node:http + undici proxy, p50 ${formatMs(minimalSummary.p50Ms)}; Keel over it ${formatMs(gatewaySummary.p50Ms - minimalSummary.p50Ms)}` },
      { bench, name: 'minimal proxy added p99, c=1 (floor)', backend: 'sqlite', value: floorP99, unit: 'ms', display: formatMs(floorP99), baseline: `bare node:http + undici proxy, p99 ${formatMs(minimalSummary.p99Ms)}; Keel over it ${formatMs(gatewaySummary.p99Ms - minimalSummary.p99Ms)}` },
      { bench, name: 'throughput c=128', backend: 'sqlite', value: gatewayLoad.requestsPerSecond, unit: 'req/s', display: `${formatNumber(gatewayLoad.requestsPerSecond)}/s`, target: { op: '>=', value: 3000 }, baseline: `median of ${throughputRounds} rounds (${roundsText(gatewayRounds)}); direct ${formatNumber(directLoad.requestsPerSecond)}/s (${roundsText(directRounds)}; load: ${loadTool})${gatewayLoadLatency.length === 0 ? '' : `; gateway latency p99 / max per round ${gatewayLoadLatency.join(', ')}`}` },
      { bench, name: 'throughput vs direct, c=128', backend: 'sqlite', value: (gatewayLoad.requestsPerSecond / directLoad.requestsPerSecond) * 100, unit: '%', display: `${((gatewayLoad.requestsPerSecond / directLoad.requestsPerSecond) * 100).toFixed(0)} %`, target: { op: '>=', value: 50 }, baseline: `direct ${formatNumber(directLoad.requestsPerSecond)}/s` },
      { bench, name: 'added TTFT p99, c=1', backend: 'sqlite', value: addedTtftP99, unit: 'ms', display: formatMs(addedTtftP99), target: { op: '<', value: 2 }, baseline: `direct TTFT p99 ${formatMs(percentile(directTtft, 99))}` },
      { bench, name: 'minimal proxy added TTFT p99, c=1 (floor)', backend: 'sqlite', value: floorTtftP99, unit: 'ms', display: formatMs(floorTtftP99), baseline: `bare proxy TTFT p99 ${formatMs(percentile(minimalTtft, 99))}; Keel over it ${formatMs(percentile(gatewayTtft, 99) - percentile(minimalTtft, 99))}` },
      { bench, name: `streams completed of ${concurrentStreams} concurrent`, backend: 'sqlite', value: finished.length - stalls, unit: 'streams', display: `${finished.length} (${stalls} with a gap > 1 s)`, target: { op: '>=', value: concurrentStreams }, baseline: `largest gap p99 ${formatMs(percentile(gaps, 99))}` },
      { bench, name: `RSS growth over ${soakMs / 1000} s soak`, backend: 'sqlite', value: growthPercent, unit: '%', display: `${growthPercent.toFixed(1)} % (${early.toFixed(0)} -> ${late.toFixed(0)} MB)`, target: { op: '<', value: 10 }, baseline: `${formatNumber(soak.completed)} requests at c=32` },
    ];
    printFigures(`${bench} (same run: direct to the upstream vs through keel)`, figures);
    const details = { direct: directSummary, minimalProxy: minimalSummary, gateway: gatewaySummary, directRps: directLoad.requestsPerSecond, gatewayRps: gatewayLoad.requestsPerSecond, directRounds, gatewayRounds, loadTool, ttft: { direct: summarizeLatencies(directTtft), minimalProxy: summarizeLatencies(minimalTtft), gateway: summarizeLatencies(gatewayTtft) }, streams: { finished: finished.length, stalls }, soak: { samples, completed: soak.completed } };
    await writeResult('gateway-overhead', { figures, details });
    return { name: bench, figures, details };
  } finally {
    await server.stop();
    await Promise.all([upstream.stop(), pacedUpstream.stop(), proxy.stop(), pacedProxy.stop()]);
    await removeTempDir(home);
  }
}

runIfMain(import.meta.url, () => gatewayOverhead());
