import type { ChartOptions } from '../../lib/runs/history-series.ts';
import './runs.css';

/** The controls every metric chart on a page shares: x axis, smoothing and log scale. */
export function ChartControls({ options, onChange }: { options: ChartOptions; onChange: (change: Partial<ChartOptions>) => void }) {
  return (
    <div className="toolbar chart-controls" role="group" aria-label="Chart options">
      <label>
        X axis{' '}
        <select aria-label="X axis" value={options.xAxis} onChange={(event) => onChange({ xAxis: event.target.value === 'time' ? 'time' : 'step' })}>
          <option value="step">Step</option>
          <option value="time">Time</option>
        </select>
      </label>
      <label className="smoothing">
        Smoothing
        <input
          type="range"
          aria-label="Smoothing"
          min={0}
          max={0.99}
          step={0.01}
          value={options.smoothing}
          onChange={(event) => onChange({ smoothing: Number(event.target.value) })}
        />
        <output className="mono">{options.smoothing.toFixed(2)}</output>
      </label>
      <label>
        <input type="checkbox" checked={options.logScale} onChange={(event) => onChange({ logScale: event.target.checked })} /> Log scale
      </label>
    </div>
  );
}
