import { useMemo } from 'react';
import { type ChartSeries, LineChart } from '../line-chart.tsx';
import type { GatewayDashboard } from '../../lib/gateway/load-gateway-dashboard.ts';
import { dayStartMs, daysBetween, utcDay } from '../../lib/gateway/utc-days.ts';

const dayMs = 86_400_000;
import { perDay, topValues } from '../../lib/gateway/usage-figures.ts';
import './gateway.css';

const maxSeries = 6;

/** Requests and errors, latency, tokens and cost per UTC day, and requests and cost per key and per model. */
export function GatewayCharts({ dashboard }: { dashboard: GatewayDashboard }) {
  const charts = useMemo(() => {
    const days = daysBetween(dashboard.from, dashboard.to);
    const xs = days.map(dayStartMs);
    const rows = dashboard.byDay.rows;
    const latency = new Map(dashboard.latencyByDay.rows.map((row) => [row.group, row]));
    const withSpans = days.filter((day) => latency.has(day));
    const latencyDays = withSpans.length === 0 ? [] : daysBetween(utcDay(dayStartMs(withSpans[0] as string) - dayMs), utcDay(dayStartMs(withSpans.at(-1) as string) + dayMs));
    const series = (label: string, ys: (number | null)[], on: readonly string[] = days): ChartSeries => ({ label, xs: on === days ? xs : on.map(dayStartMs), ys });
    const keys = topValues(dashboard.byDayAndKey.rows, 'key', maxSeries);
    const models = topValues(dashboard.byDayAndModel.rows, 'model', maxSeries);
    const keyLabel = (key: string) => (key === '' ? '(project API key)' : key);
    return [
      { title: 'Requests and errors per day', yLabel: 'requests', series: [series('requests', perDay(rows, days, (row) => row.requests)), series('errors', perDay(rows, days, (row) => row.errors))] },
      {
        // From the day before the first day with spans to the day after the last, so that a lone day
        // shows as points on a sensible axis rather than as nothing.
        title: 'Latency per day (gateway spans)', yLabel: 'ms',
        series: latencyDays.length === 0 ? [] : [
          series('p50', latencyDays.map((day) => latency.get(day)?.latencyP50Ms ?? null), latencyDays),
          series('p95', latencyDays.map((day) => latency.get(day)?.latencyP95Ms ?? null), latencyDays),
        ],
      },
      { title: 'Tokens per day', yLabel: 'tokens', series: [series('input', perDay(rows, days, (row) => row.input_tokens)), series('output', perDay(rows, days, (row) => row.output_tokens))] },
      { title: 'Cost per day (USD)', yLabel: 'USD', series: [series('cost', perDay(rows, days, (row) => row.cost_usd))] },
      { title: 'Requests per day by key', yLabel: 'requests', series: keys.map((key) => series(keyLabel(key), perDay(dashboard.byDayAndKey.rows, days, (row) => row.requests, (row) => row.key === key))) },
      { title: 'Cost per day by model (USD)', yLabel: 'USD', series: models.map((model) => series(model, perDay(dashboard.byDayAndModel.rows, days, (row) => row.cost_usd, (row) => row.model === model))) },
    ];
  }, [dashboard]);
  return (
    <div className="gateway-charts">
      {charts.map((chart) => (
        <div key={chart.title} className="chart-card">
          {chart.series.length === 0 ? <div className="state state-empty">{chart.title}: no data.</div> : <LineChart title={chart.title} series={chart.series} timeAxis yLabel={chart.yLabel} height={220} />}
        </div>
      ))}
    </div>
  );
}
