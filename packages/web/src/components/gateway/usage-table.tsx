import { formatDuration, formatNumber, formatPercent, formatUsd } from '../../lib/format.ts';
import type { KeyLatency } from '../../lib/gateway/latency-by-key.ts';
import { errorRate, type UsageRow } from '../../lib/gateway/usage-figures.ts';
import './gateway.css';

interface UsageTableProps {
  label: string;
  dimension: 'key' | 'model';
  rows: readonly UsageRow[];
  /** Latency percentiles by the row's dimension value; when given, the table gets p50 and p95 columns. */
  latency?: ReadonlyMap<string, KeyLatency>;
}

const nameOf = (row: UsageRow, dimension: 'key' | 'model'): string => {
  const value = row[dimension] ?? '';
  return value === '' ? (dimension === 'key' ? '(project API key)' : '(none)') : value;
};

/** Requests, errors, cache hits, tokens and cost per key or per model, busiest first; latency percentiles when given. */
export function UsageTable({ label, dimension, rows, latency }: UsageTableProps) {
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
            {latency !== undefined && <th className="num">Latency p50</th>}
            {latency !== undefined && <th className="num">Latency p95</th>}
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
              {latency !== undefined && <td className="num">{formatDuration(latency.get(row[dimension] ?? '')?.latencyP50Ms)}</td>}
              {latency !== undefined && <td className="num">{formatDuration(latency.get(row[dimension] ?? '')?.latencyP95Ms)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
