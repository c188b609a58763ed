import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The server's Prometheus metrics, in a registry of its own (no global state). */
export function createHttpMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'keel_' });
  const requests = new Counter({ name: 'keel_http_requests_total', help: 'HTTP requests answered', labelNames: ['method', 'route', 'status'] as const, registers: [registry] });
  const errors = new Counter({ name: 'keel_http_errors_total', help: 'HTTP error answers by error code', labelNames: ['route', 'code'] as const, registers: [registry] });
  const latency = new Histogram({
    name: 'keel_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const ingested = new Counter({ name: 'keel_ingested_total', help: 'Items written by logging calls', labelNames: ['kind'] as const, registers: [registry] });
  return {
    registry,
    observeRequest(method: string, route: string, status: number, seconds: number): void {
      requests.inc({ method, route, status: String(status) });
      latency.observe({ method, route }, seconds);
    },
    observeError(route: string, code: string): void {
      errors.inc({ route, code });
    },
    ingested(kind: 'metrics' | 'params' | 'tags' | 'artifact_bytes' | 'spans' | 'rejected_spans', count: number): void {
      if (count > 0) ingested.inc({ kind }, count);
    },
    /** Exposes the trace ingest queue, read at scrape time. */
    watchTraceIngest(read: () => { queuedSpans: number; activeRequests: number }): void {
      new Gauge({
        name: 'keel_trace_queue_spans', help: 'Spans accepted over OTLP and not yet written', registers: [registry],
        collect() {
          this.set(read().queuedSpans);
        },
      });
      new Gauge({
        name: 'keel_trace_active_requests', help: 'OTLP requests in progress', registers: [registry],
        collect() {
          this.set(read().activeRequests);
        },
      });
    },
    /** The gateway's trace spans (waiting, written, dropped) and the targets resting after failures. */
    watchGateway(read: () => { spansPending: number; spansWritten: number; spansDropped: number; openCircuits: number }): void {
      const gauge = (name: string, help: string, pick: (stats: ReturnType<typeof read>) => number): void => {
        new Gauge({
          name, help, registers: [registry],
          collect() {
            this.set(pick(read()));
          },
        });
      };
      gauge('keel_gateway_spans_pending', 'Gateway trace spans waiting to be written', (stats) => stats.spansPending);
      gauge('keel_gateway_spans_written', 'Gateway trace spans written since start', (stats) => stats.spansWritten);
      gauge('keel_gateway_spans_dropped', 'Gateway trace spans dropped since start (queue full or write failed)', (stats) => stats.spansDropped);
      gauge('keel_gateway_open_circuits', 'Gateway targets resting after repeated failures', (stats) => stats.openCircuits);
    },
  };
}

export type HttpMetrics = ReturnType<typeof createHttpMetrics>;
