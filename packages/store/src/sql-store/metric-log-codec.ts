import type { Metric } from '@keel/spec';

/**
 * One log-batch's metrics as the text of a `metric_log` row: a JSON array whose first element is
 * the batch's distinct keys, followed by key index, step, timestamp and value for every point.
 * JSON writes every finite double exactly (shortest round trip); NaN and the infinities, which it
 * cannot write, travel as the strings 'NaN', 'Infinity' and '-Infinity'.
 */
export function encodeMetricLog(metrics: readonly Metric[]): string {
  const keys: string[] = [];
  const keyIndex = new Map<string, number>();
  const out: unknown[] = new Array<unknown>(1 + metrics.length * 4);
  out[0] = keys;
  let at = 1;
  for (const metric of metrics) {
    let index = keyIndex.get(metric.key);
    if (index === undefined) {
      index = keys.length;
      keys.push(metric.key);
      keyIndex.set(metric.key, index);
    }
    const value = metric.value;
    out[at++] = index;
    out[at++] = metric.step;
    out[at++] = metric.timestamp;
    out[at++] = Number.isFinite(value) ? value : String(value);
  }
  return JSON.stringify(out);
}

const special: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** Appends the points of one `metric_log` payload to `into`. */
export function decodeMetricLog(payload: string, into: Metric[]): void {
  const parsed: unknown = JSON.parse(payload);
  if (!Array.isArray(parsed) || !Array.isArray(parsed[0]) || (parsed.length - 1) % 4 !== 0) throw new Error('metric_log: malformed payload');
  const keys = parsed[0] as unknown[];
  for (let at = 1; at < parsed.length; at += 4) {
    const key = keys[parsed[at] as number];
    const step: unknown = parsed[at + 1];
    const timestamp: unknown = parsed[at + 2];
    const raw: unknown = parsed[at + 3];
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? special[raw] : undefined;
    if (typeof key !== 'string' || typeof step !== 'number' || typeof timestamp !== 'number' || value === undefined) throw new Error('metric_log: malformed payload');
    into.push({ key, step, timestamp, value });
  }
}
