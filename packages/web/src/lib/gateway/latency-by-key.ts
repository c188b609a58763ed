import type { AggregateAnswer } from './load-gateway-dashboard.ts';

export interface KeyLatency {
  count: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
}

/**
 * Latency per virtual key from trace metrics grouped by `gateway_key`, keyed as the usage rows name
 * keys: the metrics' `(none)` (calls made with a project API key) is the usage rows' empty key.
 * Virtual key names cannot start with '(', so no key is mistaken for it.
 */
export function latencyByKey(answer: AggregateAnswer): ReadonlyMap<string, KeyLatency> {
  return new Map(answer.rows.map((row) => [row.group === '(none)' ? '' : row.group, { count: row.count, latencyP50Ms: row.latencyP50Ms, latencyP95Ms: row.latencyP95Ms }]));
}
