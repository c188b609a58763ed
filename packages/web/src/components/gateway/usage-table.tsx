import { formatNumber, formatPercent, formatUsd } from '../../lib/format.ts';
import { errorRate, type UsageRow } from '../../lib/gateway/usage-figures.ts';
import './gateway.css';

interface UsageTableProps {
  label: string;
  dimension: 'key' | 'model';
  rows: readonly UsageRow[];
}

const nameOf = (row: UsageRow, dimension: 'key' | 'model'): string => {
  const value = row[dimension] ?? '';
  return value === '' ? (dimension === 'key' ? '(project API key)' : '(none)') : value;
};

/** Requests, errors, cache hits, tokens and cost per key or per model, busiest first. */
export function UsageTable({ label, dimension, rows }: UsageTableProps) {
  const sorted = [...rows].sort((a, b) => b.requests - a.requests || nameOf(a, dimension).localeCompare(nameOf(b, dimension)));
  if (sorted.length === 0) return <div className="state state-empty">No gateway requests in this window.</div>;
  return (
    <div className="gateway-table-wrap">
      <table className="simple" aria-label={label}>
        <thead>
          <tr>
            <th>{dimension === 'key' ? 'Key' : 'Model'}</th>
            <th className="num">Requests</th>
            <th className="num">Errors</th>
            <th className="num">Error rate</th>
            <th className="num">Cache hits</th>
            <th className="num">Input tokens</th>
            <th className="num">Output tokens</th>
            <th className="num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={nameOf(row, dimension)}>
              <th scope="row" style={{ color: 'var(--fg)', fontWeight: 500 }}>{nameOf(row, dimension)}</th>
              <td className="num">{formatNumber(row.requests)}</td>
              <td className="num">{formatNumber(row.errors)}</td>
              <td className="num">{formatPercent(errorRate(row))}</td>
              <td className="num">{formatNumber(row.cache_hits)}</td>
              <td className="num">{formatNumber(row.input_tokens)}</td>
              <td className="num">{formatNumber(row.output_tokens)}</td>
              <td className="num">{formatUsd(row.cost_usd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
