import type { Experiment, Run } from '@keel/sdk/client';
import { Link, useParams } from 'react-router-dom';
import { useProject } from '../api/use-project.ts';
import { LoadState } from '../components/load-state.tsx';
import { ArtifactBrowser } from '../components/runs/artifact-browser.tsx';
import { ChartControls } from '../components/runs/chart-controls.tsx';
import { KeyValueTable } from '../components/runs/key-value-table.tsx';
import { MetricHistoryChart } from '../components/runs/metric-history-chart.tsx';
import { RunStatusPill } from '../components/runs/run-status-pill.tsx';
import { formatDuration, formatNumber, formatTime } from '../lib/format.ts';
import { takeArrived, takePrefetched } from '../lib/prefetch.ts';
import { byMetricKey } from '../lib/runs/metric-order.ts';
import { experimentDataKey, runDataKey } from '../lib/runs/run-page-data.ts';
import { useChartOptions } from '../lib/runs/use-chart-options.ts';
import { useLoad } from '../lib/use-load.ts';
import '../components/runs/runs.css';

/** One run: its params and tags, a chart per metric, and its artifacts. */
export function RunPage() {
  const { runId = '' } = useParams();
  const { project, client } = useProject();
  const runKey = runDataKey(project, runId);
  const run = useLoad(() => takePrefetched<Run>(runKey) ?? client.runs.get(runId), [client, project, runId], () => takeArrived<Run>([runKey])?.[0]);
  const experimentId = run.data?.info.experimentId;
  const experimentKey = experimentDataKey(project, experimentId ?? '');
  const experiment = useLoad(
    async () => (experimentId === undefined ? undefined : (takePrefetched<Experiment>(experimentKey) ?? client.experiments.get(experimentId))),
    [client, project, experimentId],
    () => takeArrived<Experiment>([experimentKey])?.[0],
  );
  const [options, setOptions] = useChartOptions();
  const base = `/p/${encodeURIComponent(project)}`;

  return (
    <section className="run-page">
      <LoadState result={run}>
        {({ info, data }) => {
          const metrics = [...data.metrics].sort((a, b) => byMetricKey(a.key, b.key));
          const userTags = data.tags.filter((tag) => !tag.key.startsWith('mlflow.'));
          const systemTags = data.tags.filter((tag) => tag.key.startsWith('mlflow.'));
          return (
            <>
              <div className="breadcrumbs">
                <Link to={`${base}/experiments`}>Experiments</Link> /{' '}
                <Link to={`${base}/experiments/${encodeURIComponent(info.experimentId)}`}>{experiment.data?.name ?? `Experiment ${info.experimentId}`}</Link> /
              </div>
              <div className="page-header">
                <h1>{info.runName || info.runId}</h1>
                <RunStatusPill status={info.status} />
              </div>
              <dl className="run-facts">
                <div><dt>Run id</dt><dd className="mono">{info.runId}</dd></div>
                <div><dt>Started</dt><dd>{formatTime(info.startTime)}</dd></div>
                <div><dt>Duration</dt><dd>{info.endTime === null ? '—' : formatDuration(info.endTime - info.startTime)}</dd></div>
                {info.userId !== '' && <div><dt>User</dt><dd>{info.userId}</dd></div>}
              </dl>

              <div className="grid-2">
                <div>
                  <h2>Params</h2>
                  <KeyValueTable label="Params" items={data.params} empty="No params logged." />
                </div>
                <div>
                  <h2>Tags</h2>
                  <KeyValueTable label="Tags" items={userTags} empty="No tags set." />
                  {systemTags.length > 0 && (
                    <details className="system-tags">
                      <summary>{systemTags.length} MLflow system tag{systemTags.length === 1 ? '' : 's'}</summary>
                      <KeyValueTable label="System tags" items={systemTags} empty="" />
                    </details>
                  )}
                </div>
              </div>

              <h2>Metrics</h2>
              {metrics.length === 0 ? (
                <div className="state state-empty">No metrics logged.</div>
              ) : (
                <>
                  <table className="simple latest-metrics" aria-label="Latest metrics">
                    <thead><tr><th scope="col">Metric</th><th scope="col" className="num">Latest</th><th scope="col" className="num">Step</th></tr></thead>
                    <tbody>
                      {metrics.map((metric) => (
                        <tr key={metric.key}><th scope="row" className="mono">{metric.key}</th><td className="num">{formatNumber(metric.value)}</td><td className="num">{formatNumber(metric.step)}</td></tr>
                      ))}
                    </tbody>
                  </table>
                  <ChartControls options={options} onChange={setOptions} />
                  <div className="charts-grid">
                    {metrics.map((metric) => (
                      <MetricHistoryChart key={metric.key} client={client} metric={metric.key} runs={[{ runId: info.runId, label: metric.key }]} options={options} />
                    ))}
                  </div>
                </>
              )}

              <h2>Artifacts</h2>
              <ArtifactBrowser client={client} runId={info.runId} />
            </>
          );
        }}
      </LoadState>
    </section>
  );
}
