import type http from 'node:http';
import { httpRequest, keepAliveAgent } from './http-request.ts';

export interface LatencyProber {
  /** Stops probing; resolves with every probe's time once the last one is answered. */
  stop(): Promise<Float64Array>;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One GET of `path`; its time in ms. A non-200 answer fails the bench. */
async function probe(agent: http.Agent, url: URL, path: string, headers: Record<string, string>): Promise<number> {
  const sent = performance.now();
  const response = await httpRequest({ agent, url, method: 'GET', path, headers });
  const ms = performance.now() - sent;
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
  return ms;
}

/**
 * One client that GETs `path` over and over, `pauseMs` apart, while other load runs: how long a
 * user of the API (the web UI, the CLI) waits meanwhile.
 */
export function startLatencyProber(baseUrl: string, path: string, headers: Record<string, string>, pauseMs = 5): LatencyProber {
  const agent = keepAliveAgent(1);
  const url = new URL(baseUrl);
  const latencies: number[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      latencies.push(await probe(agent, url, path, headers));
      await pause(pauseMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      try {
        await loop;
      } finally {
        agent.destroy();
      }
      return Float64Array.from(latencies);
    },
  };
}

/** `count` probes one after another, `pauseMs` apart, with nothing else running: the prober's baseline. */
export async function probeIdle(baseUrl: string, path: string, headers: Record<string, string>, count: number, pauseMs = 5): Promise<Float64Array> {
  const agent = keepAliveAgent(1);
  const url = new URL(baseUrl);
  const latencies = new Float64Array(count);
  try {
    for (let index = 0; index < count; index += 1) {
      latencies[index] = await probe(agent, url, path, headers);
      await pause(pauseMs);
    }
  } finally {
    agent.destroy();
  }
  return latencies;
}
