import type { Metric } from '@keel/sdk/client';
import type { ChartSeries } from '../../components/line-chart.tsx';
import { smooth } from '../smooth.ts';

export type XAxis = 'step' | 'time';

export interface ChartOptions {
  xAxis: XAxis;
  /** 0 (none) to 0.99 (strong), as TensorBoard smooths. */
  smoothing: number;
  logScale: boolean;
}

export const defaultChartOptions: ChartOptions = { xAxis: 'step', smoothing: 0, logScale: false };

/** One chart series from a metric's history: x by step or by time, y smoothed as asked. */
export function historySeries(label: string, history: readonly Metric[], options: ChartOptions): ChartSeries {
  const points = options.xAxis === 'step' ? [...history].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp) : [...history].sort((a, b) => a.timestamp - b.timestamp);
  const xs = points.map((point) => (options.xAxis === 'step' ? point.step : point.timestamp));
  const ys = smooth(points.map((point) => point.value), options.smoothing);
  return { label, xs, ys };
}
