import { type Metric, type Run, toWireValue } from '@keel/spec';

export const wireMetric = (metric: Metric) => ({ ...metric, value: toWireValue(metric.value) });

/** A run for the native API: metric values that JSON cannot hold (NaN, infinities) become strings. */
export const wireRun = (run: Run) => ({ ...run, data: { ...run.data, metrics: run.data.metrics.map(wireMetric) } });
