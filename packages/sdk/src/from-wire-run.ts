import { type Metric, type Run, type WireMetric, type WireRun, fromWireValue } from '@keel/spec';

export const fromWireMetric = (metric: WireMetric): Metric => ({ ...metric, value: fromWireValue(metric.value) });

/** The wire carries NaN and infinities as strings; callers get numbers back. */
export const fromWireRun = (run: WireRun): Run => ({ ...run, data: { ...run.data, metrics: run.data.metrics.map(fromWireMetric) } });
