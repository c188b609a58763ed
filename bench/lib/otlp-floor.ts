import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';
import { type LoadResult, requireNoErrors, runLoad } from './load-generator.ts';
import type { OtlpBatch } from './otlp-trace-batches.ts';
import { spawnServer } from './server-process.ts';

const serverScript = fileURLToPath(new URL('./otlp-floor-server.ts', import.meta.url));

/** One closed loop of `bodies[exporter]` per exporter, each request answered once its spans are durable. */
export async function otlpClosedLoop(url: string, headers: Record<string, string>, bodies: readonly (readonly OtlpBatch[])[], label: string): Promise<LoadResult> {
  const load = await runLoad({
    baseUrl: url,
    concurrency: bodies.length,
    requests: bodies.reduce((total, batches) => total + batches.length, 0),
    headers: { 'content-type': 'application/x-protobuf', ...headers },
    request: (worker, index) => ({ method: 'POST', path: '/v1/traces', body: bodies[worker]?.[index]?.body ?? Buffer.alloc(0) }),
  });
  requireNoErrors(label, load);
  return load;
}

/**
 * The ingest bench's closed loop (the same warm-up, then the same requests by the same exporters)
 * against `otlp-floor-server.ts` in its own process: what a client on this machine measures for a
 * server that only decodes the requests and inserts their spans.
 */
export async function otlpFloor(directory: string, warmup: readonly (readonly OtlpBatch[])[], plan: readonly (readonly OtlpBatch[])[]): Promise<LoadResult> {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), FLOOR_DB: path.join(directory, 'otlp-floor.db') };
  const server = await spawnServer({ args: ['--import', 'tsx', serverScript], env, port, readyPath: '/health' });
  try {
    await otlpClosedLoop(server.url, {}, warmup, 'OTLP floor warm-up');
    return await otlpClosedLoop(server.url, {}, plan, 'OTLP floor');
  } finally {
    await server.stop();
  }
}
