import { useEffect, useRef, useState } from 'react';
import { formatNumber } from '../../lib/format.ts';
import { seriesColor } from '../line-chart.tsx';
import './runs.css';

export interface ParallelAxis {
  /** e.g. `params.lr` */
  id: string;
  label: string;
  /** One value per line (undefined where the run has none). */
  values: readonly (number | string | undefined)[];
}

export interface ParallelLine {
  id: string;
  label: string;
}

interface Scale {
  /** 0 (bottom) to 1 (top), undefined for a missing value. */
  position(value: number | string | undefined): number | undefined;
  ticks: { at: number; text: string }[];
}

/**
 * Numbers on a linear scale (logarithmic when positive and spanning two decades or more, as
 * learning rates do); anything else as evenly spaced categories.
 */
function scaleFor(values: readonly (number | string | undefined)[]): Scale {
  const present = values.filter((value): value is number | string => value !== undefined && value !== '');
  const numbers = present.map((value) => (typeof value === 'number' ? value : Number(value)));
  if (present.length > 0 && numbers.every((value) => Number.isFinite(value))) {
    const min = Math.min(...numbers);
    const max = Math.max(...numbers);
    const log = min > 0 && max / min >= 100;
    const scaled = (value: number) => (log ? Math.log10(value) : value);
    const low = scaled(min);
    const span = scaled(max) - low;
    const middle = log ? 10 ** (low + span / 2) : min + span / 2;
    return {
      position: (value) => {
        if (value === undefined || value === '') return undefined;
        const number = typeof value === 'number' ? value : Number(value);
        if (!Number.isFinite(number)) return undefined;
        return span === 0 ? 0.5 : (scaled(number) - low) / span;
      },
      ticks: span === 0 ? [{ at: 0.5, text: formatNumber(min) }] : [{ at: 0, text: formatNumber(min) }, { at: 0.5, text: formatNumber(middle) }, { at: 1, text: formatNumber(max) }],
    };
  }
  const categories = [...new Set(present.map(String))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const at = (index: number) => (categories.length === 1 ? 0.5 : index / (categories.length - 1));
  return {
    position: (value) => {
      if (value === undefined || value === '') return undefined;
      const index = categories.indexOf(String(value));
      return index < 0 ? undefined : at(index);
    },
    ticks: categories.map((text, index) => ({ at: at(index), text })),
  };
}

const height = 320;
const top = 36;
const bottom = 24;
const side = 70;

/**
 * A parallel-coordinates plot: a vertical axis per param or metric and a polyline per run across
 * them, coloured as the run's series in the charts. A run missing a value skips that axis.
 */
export function ParallelCoordinates({ axes, lines }: { axes: readonly ParallelAxis[]; lines: readonly ParallelLine[] }) {
  const box = useRef<HTMLDivElement>(null);
  const [boxWidth, setBoxWidth] = useState(0);
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const observer = new ResizeObserver(() => setBoxWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  if (axes.length < 2) return <div className="state state-empty" ref={box}>Choose at least two params or metrics to draw.</div>;
  // Fills the box; scrolls sideways rather than squeezing axes closer than 110px.
  const width = Math.max(480, boxWidth - 8, side * 2 + (axes.length - 1) * 110);
  const x = (index: number) => side + (index * (width - side * 2)) / (axes.length - 1);
  const y = (position: number) => top + (1 - position) * (height - top - bottom);
  const scales = axes.map((axis) => scaleFor(axis.values));
  return (
    <div className="parallel-scroll" ref={box}>
      <svg className="parallel" role="img" aria-label="Parallel coordinates" viewBox={`0 0 ${width} ${height}`} width={width} height={height}>
        {/* Lines first, axes over them: tick labels stay readable where lines cross. */}
        {lines.map((line, lineIndex) => {
          const points = axes.flatMap((axis, axisIndex) => {
            const position = scales[axisIndex]?.position(axis.values[lineIndex]);
            return position === undefined ? [] : [`${x(axisIndex).toFixed(1)},${y(position).toFixed(1)}`];
          });
          return (
            <polyline key={line.id} className="parallel-line" data-run={line.id} points={points.join(' ')} fill="none" stroke={seriesColor(lineIndex)} strokeWidth={2}>
              <title>{line.label}</title>
            </polyline>
          );
        })}
        {axes.map((axis, index) => (
          <g key={axis.id} className="parallel-axis" transform={`translate(${x(index)},0)`}>
            <text className="axis-title" x={0} y={top - 16} textAnchor="middle">{axis.label}</text>
            <line x1={0} x2={0} y1={y(1)} y2={y(0)} />
            {scales[index]?.ticks.map((tick) => (
              <g key={`${tick.at}:${tick.text}`} transform={`translate(0,${y(tick.at)})`}>
                <line x1={-4} x2={4} y1={0} y2={0} />
                <text x={-7} y={4} textAnchor="end">{tick.text}</text>
              </g>
            ))}
          </g>
        ))}
      </svg>
    </div>
  );
}
