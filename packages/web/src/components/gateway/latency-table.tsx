import { formatDuration, formatNumber, formatUsd } from '../../lib/format.ts';
import type { AggregateAnswer } from '../../lib/gateway/load-gateway-dashboard.ts';
import './gateway.css';

/** Latency percentiles per model that answered, from the generation spans (trace metrics). */
export function LatencyTable({ answer }: { answer: AggregateAnswer }) {
  const rows = [...answer.rows].sort((a, b) => b.count - a.count);
  if (rows.length === 0) return <div className="state state-empty">No generation spans in this window.</div>;
  return (
    <div className="gateway-table-wrap">
      <table className="simple" aria-label="Latency by model">
        <thead>
          <tr>
            <th>Model</th>
            <th className="num">Calls</th>
            <th className="num">p50</th>
            <th className="num">p95</th>
            <th className="num">p99</th>
            <th className="num">Input tokens</th>
            <th className="num">Output tokens</th>
            <th className="num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.group}>
              <th scope="row" style={{ color: 'var(--fg)', fontWeight: 500 }}>{row.group}</th>
              <td className="num">{formatNumber(row.count)}</td>
              <td className="num">{formatDuration(row.latencyP50Ms)}</td>
              <td className="num">{formatDuration(row.latencyP95Ms)}</td>
              <td className="num">{formatDuration(row.latencyP99Ms)}</td>
              <td className="num">{formatNumber(row.inputTokens)}</td>
              <td className="num">{formatNumber(row.outputTokens)}</td>
              <td className="num">{formatUsd(row.cost)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
