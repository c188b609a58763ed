import { formatNumber, formatTime } from '../../lib/format.ts';
import type { GatewayKey } from '../../lib/gateway/load-gateway-dashboard.ts';
import type { UsageRow } from '../../lib/gateway/usage-figures.ts';
import { BudgetCell } from './budget-cell.tsx';
import './gateway.css';

interface KeysTableProps {
  keys: readonly GatewayKey[];
  today: readonly UsageRow[];
  month: readonly UsageRow[];
}

const spendOf = (rows: readonly UsageRow[], name: string): number => rows.filter((row) => row.key === name).reduce((sum, row) => sum + row.cost_usd, 0);
const requestsOf = (rows: readonly UsageRow[], name: string): number => rows.filter((row) => row.key === name).reduce((sum, row) => sum + row.requests, 0);

/** Virtual keys with their limits and their spend today and this month (UTC) against the budgets. */
export function KeysTable({ keys, today, month }: KeysTableProps) {
  if (keys.length === 0) return <div className="state state-empty">No virtual keys. Create one with <code>keel gateway keys create NAME</code>.</div>;
  const sorted = [...keys].sort((a, b) => Number(a.revoked_at !== null) - Number(b.revoked_at !== null) || a.name.localeCompare(b.name));
  return (
    <div className="gateway-table-wrap">
      <table className="simple" aria-label="Virtual keys">
        <thead>
          <tr>
            <th>Key</th>
            <th>Models</th>
            <th className="num">RPM</th>
            <th className="num">TPM</th>
            <th className="num">Requests today</th>
            <th>Spend today</th>
            <th>Spend this month</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((key) => {
            const revoked = key.revoked_at !== null;
            return (
              <tr key={key.name} data-key={key.name}>
                <th scope="row" style={{ color: 'var(--fg)', fontWeight: 500 }}>
                  <span className={revoked ? 'key-revoked' : undefined}>{key.name}</span>
                  {key.prefix !== null && <span className="muted mono"> {key.prefix}…</span>}
                  {revoked && <span className="pill error" style={{ marginLeft: '0.4rem' }}>revoked</span>}
                  {key.source === 'file' && <span className="pill" style={{ marginLeft: '0.4rem' }}>config file</span>}
                </th>
                <td>{key.models === undefined || key.models.length === 0 ? <span className="muted">all</span> : key.models.join(', ')}</td>
                <td className="num">{key.limits?.rpm === undefined ? '—' : formatNumber(key.limits.rpm)}</td>
                <td className="num">{key.limits?.tpm === undefined ? '—' : formatNumber(key.limits.tpm)}</td>
                <td className="num">{formatNumber(requestsOf(today, key.name))}</td>
                <td><BudgetCell spent={spendOf(today, key.name)} budget={key.limits?.budget_usd_day} label={`${key.name} spend today`} /></td>
                <td><BudgetCell spent={spendOf(month, key.name)} budget={key.limits?.budget_usd_month} label={`${key.name} spend this month`} /></td>
                <td>{key.created_at === null ? '—' : formatTime(key.created_at)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
