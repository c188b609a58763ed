import { type LoadResult, runLoad } from './load-generator.ts';
import type { OtlpBatch } from './otlp-trace-batches.ts';

/** OTLP/HTTP protobuf exporters in a closed loop, one per entry of `bodies`, each sending its requests in order. */
export const otlpClosedLoop = (url: string, headers: Record<string, string>, bodies: readonly (readonly OtlpBatch[])[]): Promise<LoadResult> =>
  runLoad({
    baseUrl: url,
    concurrency: bodies.length,
    requests: bodies.reduce((total, batches) => total + batches.length, 0),
    headers: { 'content-type': 'application/x-protobuf', ...headers },
    request: (worker, index) => ({ method: 'POST', path: '/v1/traces', body: bodies[worker]?.[index]?.body ?? Buffer.alloc(0) }),
  });
