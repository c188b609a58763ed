import { httpRequest, keepAliveAgent } from './http-request.ts';

export interface LatencyProber {
  /** Stops probing; resolves with every probe's time once the last one is answered. */
  stop(): Promise<Float64Array>;
}

/**
 * One client that GETs `path` over and over, `pauseMs` apart, while other load runs: how long a
 * user of the API (the web UI, the CLI) waits meanwhile. A non-200 answer fails the bench.
 */
export function startLatencyProber(baseUrl: string, path: string, headers: Record<string, string>, pauseMs = 5): LatencyProber {
  const agent = keepAliveAgent(1);
  const url = new URL(baseUrl);
  const latencies: number[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const sent = performance.now();
      const response = await httpRequest({ agent, url, method: 'GET', path, headers });
      latencies.push(performance.now() - sent);
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status} during the load`);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
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

/** `count` probes one after another with nothing else running: the baseline of the same prober. */
export async function probeIdle(baseUrl: string, path: string, headers: Record<string, string>, count: number): Promise<Float64Array> {
  const prober = startLatencyProber(baseUrl, path, headers, 5);
  await new Promise((resolve) => setTimeout(resolve, count * 6));
  return prober.stop();
}
