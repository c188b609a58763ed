import type { Metric } from '@keel/spec';

/** A batch's metrics per key, each key's in the order given; keys in the order first seen. */
export function metricsByKey(metrics: readonly Metric[]): Map<string, Metric[]> {
  const byKey = new Map<string, Metric[]>();
  for (const metric of metrics) {
    const points = byKey.get(metric.key);
    if (points === undefined) byKey.set(metric.key, [metric]);
    else points.push(metric);
  }
  return byKey;
}
