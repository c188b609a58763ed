import { useLayoutEffect, useRef } from 'react';
import uPlot from 'uplot';

export interface ChartSeries {
  label: string;
  xs: readonly number[];
  ys: readonly (number | null)[];
}

interface LineChartProps {
  title: string;
  series: readonly ChartSeries[];
  /** x values are milliseconds since the epoch. */
  timeAxis?: boolean;
  logScale?: boolean;
  height?: number;
  yLabel?: string;
}

const palette = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
export const seriesColor = (index: number): string => palette[index % palette.length] as string;

/** Joins series with different x values onto one sorted x axis (null where a series has no point). */
function align(series: readonly ChartSeries[]): uPlot.AlignedData {
  const xs = [...new Set(series.flatMap((item) => item.xs))].sort((a, b) => a - b);
  const position = new Map(xs.map((x, index) => [x, index]));
  const columns = series.map((item) => {
    const column: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    item.xs.forEach((x, index) => {
      const value = item.ys[index];
      column[position.get(x) as number] = value === undefined || value === null || !Number.isFinite(value) ? null : value;
    });
    return column;
  });
  return [xs, ...columns] as uPlot.AlignedData;
}

/**
 * A uPlot line chart: drag to zoom, double-click to reset, resizes with its box. Fed with the
 * server's downsampled points, it draws a million-point metric as fast as a thousand.
 */
export function LineChart({ title, series, timeAxis = false, logScale = false, height = 260, yLabel }: LineChartProps) {
  const box = useRef<HTMLDivElement>(null);
  // Drawn in the commit that adds the box, before the browser paints: no frame with an empty box,
  // and one layout for the page and its charts.
  useLayoutEffect(() => {
    const element = box.current;
    if (element === null) return;
    const dark = document.documentElement.dataset.theme === 'dark' || (document.documentElement.dataset.theme === undefined && window.matchMedia('(prefers-color-scheme: dark)').matches);
    const axisColor = dark ? '#cbd5e1' : '#334155';
    const gridColor = dark ? '#334155' : '#e2e8f0';
    const options: uPlot.Options = {
      title,
      width: Math.max(200, element.clientWidth),
      height,
      // A lone x value would make uPlot span years (time) or nothing (steps): pad it instead.
      scales: { x: { time: timeAxis, range: (_u, min, max) => (min === max ? [min - (timeAxis ? 3600 : 1), max + (timeAxis ? 3600 : 1)] : [min, max]) }, y: logScale ? { distr: 3 } : {} },
      axes: [
        { stroke: axisColor, grid: { stroke: gridColor } },
        { stroke: axisColor, grid: { stroke: gridColor }, ...(yLabel === undefined ? {} : { label: yLabel }) },
      ],
      series: [{ label: timeAxis ? 'time' : 'step', ...(timeAxis ? { value: (_u: uPlot, v: number) => (v === null ? '—' : new Date(v).toLocaleString()) } : {}) }, ...series.map((item, index) => ({ label: item.label, stroke: seriesColor(index), width: 1.5, spanGaps: true }))],
      cursor: { drag: { x: true, y: false } },
      legend: { show: true },
    };
    const data = align(series);
    // uPlot's time scale counts seconds.
    if (timeAxis) data[0] = (data[0] as number[]).map((ms) => ms / 1000);
    if (logScale) {
      for (let column = 1; column < data.length; column++) data[column] = (data[column] as (number | null)[]).map((value) => (value !== null && value > 0 ? value : null));
    }
    const plot = new uPlot(options, data, element);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, element.clientWidth), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [title, series, timeAxis, logScale, height, yLabel]);
  return <div className="chart" ref={box} data-testid="chart" aria-label={title} role="img" />;
}
