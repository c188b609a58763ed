import type { Run } from '@keel/sdk/client';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useProject } from '../api/use-project.ts';
import { seriesColor } from '../components/line-chart.tsx';
import { LoadState } from '../components/load-state.tsx';
import { ChartControls } from '../components/runs/chart-controls.tsx';
import { MetricHistoryChart } from '../components/runs/metric-history-chart.tsx';
import { type ParallelAxis, ParallelCoordinates } from '../components/runs/parallel-coordinates.tsx';
import { RunDiffTable } from '../components/runs/run-diff-table.tsx';
import { collectRunKeys } from '../lib/runs/collect-run-keys.ts';
import { parseRunColumn, runColumnValue } from '../lib/runs/run-column.ts';
import { maxCompareRuns } from '../lib/runs/max-compare-runs.ts';
import { useChartOptions } from '../lib/runs/use-chart-options.ts';
import { useLoad } from '../lib/use-load.ts';
import '../components/runs/runs.css';

const maxDefaultAxes = 8;

/** Params that differ between the runs, then metrics: what a parallel-coordinates plot shows first. */
function defaultAxes(runs: readonly Run[]): string[] {
  const keys = collectRunKeys(runs);
  const differing = keys.params.filter((key) => new Set(runs.map((run) => runColumnValue(run, { kind: 'params', key }))).size > 1);
  return [...differing.map((key) => `params.${key}`), ...keys.metrics.map((key) => `metrics.${key}`)].slice(0, maxDefaultAxes);
}

/** Several runs side by side: a diff table, parallel coordinates and overlaid metric charts. */
export function ComparePage() {
  const { project, client } = useProject();
  const [params] = useSearchParams();
  const asked = useMemo(() => [...new Set((params.get('runs') ?? '').split(',').map((id) => id.trim()).filter((id) => id !== ''))], [params]);
  const ids = useMemo(() => asked.slice(0, maxCompareRuns), [asked]);
  const runs = useLoad(() => Promise.all(ids.map((id) => client.runs.get(id))), [client, ids.join(',')]);
  const [options, setOptions] = useChartOptions();
  const [chosenAxes, setChosenAxes] = useState<string[] | undefined>(undefined);
  const base = `/p/${encodeURIComponent(project)}`;
  const runLink = (run: Run) => `${base}/runs/${encodeURIComponent(run.info.runId)}`;

  if (ids.length === 0) {
    return (
      <section>
        <h1>Compare runs</h1>
        <div className="state state-empty">No runs chosen. Select runs in an experiment&apos;s table and press Compare.</div>
      </section>
    );
  }
  return (
    <section className="compare-page">
      <h1>Compare {ids.length} runs</h1>
      {asked.length > ids.length && (
        <div className="state state-empty" role="note">
          A comparison takes up to {maxCompareRuns} runs: these are the first {maxCompareRuns} of the {asked.length} in the link.
        </div>
      )}
      <LoadState result={runs}>
        {(loaded) => {
          const first = loaded[0];
          const keys = collectRunKeys(loaded);
          const shared = keys.metrics.filter((key) => loaded.every((run) => run.data.metrics.some((metric) => metric.key === key)));
          const chartMetrics = shared.length > 0 ? shared : keys.metrics;
          const axesIds = chosenAxes ?? defaultAxes(loaded);
          const axes: ParallelAxis[] = axesIds.flatMap((id) => {
            const column = parseRunColumn(id);
            return column === undefined ? [] : [{ id, label: column.key, values: loaded.map((run) => runColumnValue(run, column)) }];
          });
          const chartRuns = loaded.map((run) => ({ runId: run.info.runId, label: run.info.runName || run.info.runId }));
          const toggleAxis = (id: string, on: boolean) => setChosenAxes(on ? [...axesIds, id] : axesIds.filter((item) => item !== id));
          return (
            <>
              {first !== undefined && (
                <div className="breadcrumbs">
                  <Link to={`${base}/experiments/${encodeURIComponent(first.info.experimentId)}`}>Back to the runs</Link>
                </div>
              )}
              <ul className="compare-legend" aria-label="Compared runs">
                {loaded.map((run, index) => (
                  <li key={run.info.runId}>
                    <span className="swatch" style={{ background: seriesColor(index) }} aria-hidden="true" />
                    <Link to={runLink(run)}>{run.info.runName || run.info.runId}</Link>
                  </li>
                ))}
              </ul>

              <h2>Params and metrics</h2>
              <RunDiffTable runs={loaded} runLink={runLink} />

              <h2>Parallel coordinates</h2>
              <details className="column-chooser axis-chooser">
                <summary>Axes ({axes.length})</summary>
                <div className="column-chooser-panel" role="group" aria-label="Choose axes">
                  {(['params', 'metrics'] as const).map((kind) => (
                    <fieldset key={kind}>
                      <legend>{kind === 'params' ? 'Params' : 'Metrics'}</legend>
                      {keys[kind].map((key) => {
                        const id = `${kind}.${key}`;
                        return (
                          <label key={id}>
                            <input type="checkbox" aria-label={`Axis ${id}`} checked={axesIds.includes(id)} onChange={(event) => toggleAxis(id, event.target.checked)} />
                            <span className="mono">{key}</span>
                          </label>
                        );
                      })}
                    </fieldset>
                  ))}
                </div>
              </details>
              <ParallelCoordinates axes={axes} lines={chartRuns.map((run) => ({ id: run.runId, label: run.label }))} />

              <h2>Metrics</h2>
              {chartMetrics.length === 0 ? (
                <div className="state state-empty">These runs logged no metrics.</div>
              ) : (
                <>
                  <ChartControls options={options} onChange={setOptions} />
                  <div className="charts-grid">
                    {chartMetrics.map((metric) => (
                      <MetricHistoryChart key={metric} client={client} metric={metric} runs={chartRuns} options={options} />
                    ))}
                  </div>
                </>
              )}
            </>
          );
        }}
      </LoadState>
    </section>
  );
}
