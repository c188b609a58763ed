import type { KeelClient } from '@keel/sdk/client';
import { useMemo } from 'react';
import { useParams } from 'react-router-dom';
import { LineChart } from '../line-chart.tsx';
import { LoadState } from '../load-state.tsx';
import { type ChartOptions, historySeries } from '../../lib/runs/history-series.ts';
import { takeArrived, takePrefetched } from '../../lib/prefetch.ts';
import { chartMaxPoints, historyDataKey } from '../../lib/runs/run-page-data.ts';
import { useLoad } from '../../lib/use-load.ts';

type HistoryPage = Awaited<ReturnType<KeelClient['runs']['metricHistory']>>;

export interface ChartRun {
  runId: string;
  label: string;
}

/**
 * One metric's history for one or more runs on one chart (a series per run, in the order given,
 * so colours match across charts). Runs that never logged the metric keep their colour, empty.
 */
export function MetricHistoryChart({ client, metric, runs, options }: { client: KeelClient; metric: string; runs: readonly ChartRun[]; options: ChartOptions }) {
  const { project = '' } = useParams();
  const runKey = runs.map((run) => run.runId).join(',');
  const histories = useLoad(
    () =>
      Promise.all(
        runs.map((run) => (takePrefetched<HistoryPage>(historyDataKey(project, run.runId, metric)) ?? client.runs.metricHistory(run.runId, metric, { maxPoints: chartMaxPoints })).then((page) => page.items)),
      ),
    [client, project, metric, runKey],
    () => takeArrived<HistoryPage>(runs.map((run) => historyDataKey(project, run.runId, metric)))?.map((page) => page.items),
  );
  const series = useMemo(
    () => histories.data?.map((items, index) => historySeries(runs[index]?.label ?? '', items, options)),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runKey stands for runs
    [histories.data, runKey, options],
  );
  const labelKey = runs.map((run) => run.label).join('\n');
  return (
    <figure className="metric-chart" data-metric={metric}>
      <LoadState result={{ ...histories, data: series }}>
        {(data) => <LineChart key={labelKey} title={metric} series={data} timeAxis={options.xAxis === 'time'} logScale={options.logScale} />}
      </LoadState>
    </figure>
  );
}
