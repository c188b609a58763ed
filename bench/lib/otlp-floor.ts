import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';
import { type LoadResult, requireNoErrors } from './load-generator.ts';
import { otlpClosedLoop } from './otlp-closed-loop.ts';
import type { OtlpBatch } from './otlp-trace-batches.ts';
import { spawnServer } from './server-process.ts';

const serverScript = fileURLToPath(new URL('./otlp-floor-server.ts', import.meta.url));

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
    requireNoErrors('OTLP floor warm-up', await otlpClosedLoop(server.url, {}, warmup));
    const load = await otlpClosedLoop(server.url, {}, plan);
    requireNoErrors('OTLP floor', load);
    return load;
  } finally {
    await server.stop();
  }
}
