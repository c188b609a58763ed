import http from 'node:http';
import path from 'node:path';
import { chatBody, directPath, pacedStreamBody, startPacedUpstream } from './gateway-overhead.ts';
import { configureBenchGateway } from './lib/configure-bench-gateway.ts';
import { formatMs, formatNumber } from './lib/format-number.ts';
import { type KeelServer, startKeelServer } from './lib/keel-server.ts';
import { requireNoErrors, runLoad } from './lib/load-generator.ts';
import { summarizeLatencies } from './lib/percentiles.ts';
import { timeStream } from './lib/stream-client.ts';
import { note } from './lib/progress.ts';
import { printTable } from './lib/print-table.ts';
import { runIfMain } from './lib/run-if-main.ts';
import { hasWrk, requireNoWrkErrors, runWrk } from './lib/run-wrk.ts';
import { startFakeUpstream, startMinimalProxy } from './lib/start-url-process.ts';
import { makeTempDir, removeTempDir } from './lib/temp-dir.ts';

export interface BundleAbOptions {
  /** Keel bundles to compare (`node scripts/build.mjs --outfile=PATH`), each in its own server. */
  bundles: string[];
  rounds: number;
  /** Sequential requests per path per round at concurrency 1. */
  sequential: number;
  /** Rounds of 10 s at concurrency 128 per path (with wrk; 0 for none). */
  loadRounds: number;
  /** Streams per path per round, one at a time and interleaved path by path, timed to the first token (0 for none). */
  streams: number;
}

interface Path {
  name: string;
  baseUrl: string;
  path: string;
  headers: Record<string, string>;
}

/**
 * A development tool, not a figure of the issues: several builds of Keel side by side as gateways in
 * front of one fake upstream (20 ms), with the bare proxy and the upstream itself, measured in
 * interleaved rounds so that the machine's drift hits every path alike. A change to the request path
 * shows here as a difference between bundles in the same run, which separate bench runs on this
 * shared machine cannot resolve below about 0.3 ms.
 *
 *   npx tsx bench/gateway-bundle-ab.ts .tmp/keel-a.mjs .tmp/keel-b.mjs '.tmp/keel-a.mjs+--max-semi-space-size=64'   (a bundle with node flags; KEEL_AB_ROUNDS, KEEL_AB_SEQUENTIAL, KEEL_AB_LOAD_ROUNDS, KEEL_AB_STREAMS)
 */
export async function gatewayBundleAb(options: BundleAbOptions): Promise<void> {
  if (options.bundles.length === 0) throw new Error('usage: npx tsx bench/gateway-bundle-ab.ts BUNDLE.mjs[+--node-flag...] [BUNDLE.mjs ...]');
  const upstream = await startFakeUpstream(20);
  const proxy = await startMinimalProxy(upstream.baseURL);
  const pacedUpstream = await startPacedUpstream();
  const pacedProxy = await startMinimalProxy(pacedUpstream.baseURL);
  const servers: { name: string; server: KeelServer; home: string }[] = [];
  try {
    for (const variant of options.bundles) {
      // BUNDLE.mjs, or BUNDLE.mjs+--node-flag+--node-flag to start that bundle with node flags.
      const [bundle = variant, ...nodeArgs] = variant.split('+');
      const home = await makeTempDir('gateway-ab');
      const server = await startKeelServer({ home, bundle, nodeArgs });
      servers.push({ name: [path.basename(bundle), ...nodeArgs].join(' '), server, home });
    }
    const chatPath = '/v1/chat/completions';
    const paths: Path[] = [
      { name: 'direct', baseUrl: upstream.baseURL, path: directPath(upstream.baseURL, chatPath), headers: { authorization: 'Bearer sk-bench' } },
      { name: 'bare proxy', baseUrl: proxy.baseURL, path: directPath(proxy.baseURL, chatPath), headers: { authorization: 'Bearer sk-bench' } },
    ];
    const streamPaths: Path[] = [
      { name: 'direct', baseUrl: pacedUpstream.baseURL, path: directPath(pacedUpstream.baseURL, chatPath), headers: { authorization: 'Bearer sk-bench' } },
      { name: 'bare proxy', baseUrl: pacedProxy.baseURL, path: directPath(pacedProxy.baseURL, chatPath), headers: { authorization: 'Bearer sk-bench' } },
    ];
    for (const { name, server } of servers) {
      const secret = await configureBenchGateway(server, [
        { provider: 'fake', model: 'bench-model', baseURL: upstream.baseURL },
        { provider: 'paced', model: 'paced-model', baseURL: pacedUpstream.baseURL },
      ]);
      paths.push({ name, baseUrl: server.url, path: chatPath, headers: { authorization: `Bearer ${secret}` } });
      streamPaths.push({ name, baseUrl: server.url, path: chatPath, headers: { authorization: `Bearer ${secret}` } });
    }
    const send = (target: Path, concurrency: number, requests: number) => runLoad({ baseUrl: target.baseUrl, concurrency, requests, headers: target.headers, request: () => ({ method: 'POST', path: target.path, body: chatBody }) });
    for (const target of paths) requireNoErrors(`warm-up ${target.name}`, await send(target, 8, 400));

    const throughput = new Map<string, number[]>();
    if (options.loadRounds > 0 && !hasWrk()) note('wrk is not installed (apt-get install wrk): no concurrency-128 rounds');
    for (let round = 0; round < (hasWrk() ? options.loadRounds : 0); round += 1) {
      for (const target of paths) {
        const result = await runWrk(`${new URL(target.baseUrl).origin}${target.path}`, { connections: 128, seconds: 10, body: chatBody, headers: target.headers });
        requireNoWrkErrors(`${target.name} at c=128`, result);
        throughput.set(target.name, [...(throughput.get(target.name) ?? []), result.requestsPerSecond]);
        note(`c=128 round ${round + 1}: ${target.name} ${formatNumber(result.requestsPerSecond)}/s, latency p99 ${formatMs(result.latencyP99Ms)}, max ${formatMs(result.latencyMaxMs)}`);
      }
    }
    const latencies = new Map<string, number[]>();
    for (let round = 0; round < options.rounds; round += 1) {
      for (const target of paths) {
        const load = await send(target, 1, options.sequential);
        requireNoErrors(target.name, load);
        latencies.set(target.name, [...(latencies.get(target.name) ?? []), ...load.latenciesMs]);
      }
      note(`c=1 round ${round + 1} of ${options.rounds} done`);
    }
    const direct = summarizeLatencies(latencies.get('direct') ?? []);
    const rows = paths.map((target) => {
      const summary = summarizeLatencies(latencies.get(target.name) ?? []);
      const rps = throughput.get(target.name);
      return [target.name, formatMs(summary.p50Ms), formatMs(summary.p50Ms - direct.p50Ms), formatMs(summary.p99Ms), formatMs(summary.p99Ms - direct.p99Ms), rps === undefined ? '-' : rps.map((value) => formatNumber(value)).join(' / ')];
    });
    printTable(`gateway A/B: ${options.rounds} x ${options.sequential} sequential per path, interleaved`, ['path', 'p50', 'added p50', 'p99', 'added p99', 'c=128 req/s per round'], rows);
    if (options.streams > 0) await streamRounds(streamPaths, options.rounds, options.streams);
  } finally {
    for (const { server, home } of servers) {
      await server.stop();
      await removeTempDir(home);
    }
    await Promise.all([proxy.stop(), upstream.stop(), pacedProxy.stop(), pacedUpstream.stop()]);
  }
}

/** Time to first token, one stream at a time, path after path, as gateway-overhead.ts times it. */
async function streamRounds(paths: readonly Path[], rounds: number, perRound: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const ttft = new Map<string, number[]>(paths.map((target) => [target.name, []]));
  try {
    for (let round = 0; round < rounds; round += 1) {
      for (let index = 0; index < perRound; index += 1) {
        for (const target of paths) {
          const timing = await timeStream(agent, new URL(target.baseUrl), target.path, target.headers, pacedStreamBody);
          if (timing.status !== 200) throw new Error(`${target.name} answered a stream with ${timing.status}`);
          ttft.get(target.name)?.push(timing.firstTokenMs);
        }
      }
      note(`stream round ${round + 1} of ${rounds} done`);
    }
  } finally {
    agent.destroy();
  }
  const direct = summarizeLatencies(ttft.get('direct') ?? []);
  const rows = paths.map((target) => {
    const summary = summarizeLatencies(ttft.get(target.name) ?? []);
    return [target.name, formatMs(summary.minMs - direct.minMs), formatMs(summary.p50Ms - direct.p50Ms), formatMs(summary.p95Ms - direct.p95Ms), formatMs(summary.p99Ms), formatMs(summary.p99Ms - direct.p99Ms), formatMs(summary.maxMs)];
  });
  printTable(`time to first token: ${rounds} x ${perRound} streams per path, interleaved`, ['path', 'added min', 'added p50', 'added p95', 'p99', 'added p99', 'max'], rows);
}

runIfMain(import.meta.url, () =>
  gatewayBundleAb({
    bundles: process.argv.slice(2),
    rounds: Number(process.env.KEEL_AB_ROUNDS ?? 6),
    sequential: Number(process.env.KEEL_AB_SEQUENTIAL ?? 500),
    loadRounds: Number(process.env.KEEL_AB_LOAD_ROUNDS ?? 0),
    streams: Number(process.env.KEEL_AB_STREAMS ?? 0),
  }),
);
