import { Link, useSearchParams } from 'react-router-dom';
import { useProject } from '../api/use-project.ts';
import { GatewayCharts } from '../components/gateway/gateway-charts.tsx';
import { KeysTable } from '../components/gateway/keys-table.tsx';
import { LatencyTable } from '../components/gateway/latency-table.tsx';
import { BudgetCell } from '../components/gateway/budget-cell.tsx';
import { UsageTable } from '../components/gateway/usage-table.tsx';
import { LoadState } from '../components/load-state.tsx';
import { formatDuration, formatNumber, formatPercent, formatUsd } from '../lib/format.ts';
import { type GatewayDashboard, loadGatewayDashboard } from '../lib/gateway/load-gateway-dashboard.ts';
import { latencyByKey } from '../lib/gateway/latency-by-key.ts';
import { errorRate } from '../lib/gateway/usage-figures.ts';
import { useLoad } from '../lib/use-load.ts';

const dayChoices = [1, 7, 30, 90] as const;

function Stat({ label, value, sub, bad = false }: { label: string; value: string; sub?: string; bad?: boolean }) {
  return (
    <div className={`stat${bad ? ' bad' : ''}`} role="group" aria-label={label}>
      <div className="value">{value}</div>
      <div className="label">{label}</div>
      {sub !== undefined && <div className="sub">{sub}</div>}
    </div>
  );
}

function Dashboard({ dashboard, project }: { dashboard: GatewayDashboard; project: string }) {
  const totals = dashboard.byDay.totals;
  const rate = errorRate(totals);
  const today = dashboard.latencyByDay.rows.find((row) => row.group === dashboard.to);
  const projectLimits = dashboard.config.config.limits;
  const sum = (rows: typeof dashboard.keysToday.rows) => rows.reduce((total, row) => total + row.cost_usd, 0);
  return (
    <>
      <div className="stat-row gateway-stats" aria-label="Totals">
        <Stat label="Requests" value={formatNumber(totals.requests)} sub={`${formatNumber(totals.cache_hits)} from cache`} />
        <Stat label="Errors" value={formatNumber(totals.errors)} sub={`${formatPercent(rate)} error rate`} bad={totals.errors > 0} />
        <Stat label="Input tokens" value={formatNumber(totals.input_tokens)} sub={totals.estimated_requests > 0 ? `${formatNumber(totals.estimated_requests)} requests estimated` : undefined} />
        <Stat label="Output tokens" value={formatNumber(totals.output_tokens)} />
        <Stat label="Cost" value={formatUsd(totals.cost_usd)} />
        <Stat label="Latency p50 today" value={formatDuration(today?.latencyP50Ms)} sub={`p95 ${formatDuration(today?.latencyP95Ms)}`} />
      </div>
      <GatewayCharts dashboard={dashboard} />
      <section className="gateway-section" aria-labelledby="keys-heading">
        <h2 id="keys-heading">Virtual keys</h2>
        <KeysTable keys={dashboard.keys} today={dashboard.keysToday.rows} month={dashboard.keysMonth.rows} />
        {projectLimits !== undefined && (
          <div className="gateway-note project-limits" aria-label="Project limits">
            Project limits: {projectLimits.rpm === undefined ? '' : `${formatNumber(projectLimits.rpm)} requests/min, `}
            {projectLimits.tpm === undefined ? '' : `${formatNumber(projectLimits.tpm)} tokens/min, `}
            today <BudgetCell spent={sum(dashboard.keysToday.rows)} budget={projectLimits.budget_usd_day} label="Project spend today" />
            {' '}this month <BudgetCell spent={sum(dashboard.keysMonth.rows)} budget={projectLimits.budget_usd_month} label="Project spend this month" />
          </div>
        )}
      </section>
      <section className="gateway-section" aria-labelledby="by-key-heading">
        <h2 id="by-key-heading">By key</h2>
        <UsageTable label="Usage by key" dimension="key" rows={dashboard.byKey.rows} latency={latencyByKey(dashboard.latencyByKey)} />
        <p className="gateway-note">
          Latency percentiles per key come from the spans the gateway writes for every call (service keel-gateway); a key without spans
          in this window (trace retention, or spans not yet written) shows —.
        </p>
      </section>
      <section className="gateway-section" aria-labelledby="by-model-heading">
        <h2 id="by-model-heading">By model</h2>
        <UsageTable label="Usage by model" dimension="model" rows={dashboard.byModel.rows} />
        <h3>Latency by the model that answered</h3>
        <LatencyTable answer={dashboard.latencyByModel} />
        <p className="gateway-note">
          Requests, errors, tokens and cost are the gateway's usage counters (by the model clients asked for). Latency percentiles come
          from the spans the gateway writes for every call into this project's <Link to={`/p/${encodeURIComponent(project)}/traces`}>traces</Link> (service keel-gateway), by the model that answered.
        </p>
      </section>
    </>
  );
}

/** The LLM gateway: usage over time, by key and by model, latency, and the virtual keys with their budgets. */
export function GatewayPage() {
  const { project, client } = useProject();
  const [params, setParams] = useSearchParams();
  const asked = Number(params.get('days'));
  const days = (dayChoices as readonly number[]).includes(asked) ? asked : 30;
  const dashboard = useLoad(() => loadGatewayDashboard(client, days, Date.now()), [client, days]);
  return (
    <section aria-labelledby="gateway-heading">
      <div className="page-header">
        <h1 id="gateway-heading">Gateway</h1>
        <label className="muted">
          <span className="visually-hidden">Days</span>
          <select aria-label="Days" value={days} onChange={(event) => setParams((previous) => {
            const next = new URLSearchParams(previous);
            next.set('days', event.target.value);
            return next;
          })}>
            {dayChoices.map((choice) => <option key={choice} value={choice}>{choice === 1 ? 'Today (UTC)' : `Last ${choice} days`}</option>)}
          </select>
        </label>
        {dashboard.data !== undefined && <span className="muted">{dashboard.data.from} to {dashboard.data.to} (UTC)</span>}
      </div>
      <LoadState result={dashboard}>{(data) => <Dashboard dashboard={data} project={project} />}</LoadState>
    </section>
  );
}
