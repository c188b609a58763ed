import { formatDuration, formatNumber, formatUsd } from '../../lib/format.ts';
import type { PromptUsage } from '@keel/sdk/client';
import './prompts.css';

type PromptUsageRow = PromptUsage['versions'][number];

/** Per version: LLM calls that named it, tokens, latency, cost and the mean of each score of their traces. */
export function PromptUsageTable({ rows }: { rows: readonly PromptUsageRow[] }) {
  return (
    <table className="simple" aria-label="Usage per version">
      <thead>
        <tr>
          <th>Version</th><th className="num">Calls</th><th className="num">Input tokens</th><th className="num">Output tokens</th>
          <th className="num">Latency p50</th><th className="num">Latency p95</th><th className="num">Cost</th><th>Scores (mean, n)</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.version} data-version={row.version}>
            <td>v{row.version}</td>
            <td className="num">{formatNumber(row.count)}</td>
            <td className="num">{formatNumber(row.inputTokens)}</td>
            <td className="num">{formatNumber(row.outputTokens)}</td>
            <td className="num">{formatDuration(row.latencyP50Ms)}</td>
            <td className="num">{formatDuration(row.latencyP95Ms)}</td>
            <td className="num">{formatUsd(row.cost)}</td>
            <td>
              {row.scores.length === 0 ? <span className="muted">—</span> : (
                <span className="score-list">
                  {row.scores.map((score) => <span key={score.name}><code>{score.name}</code> {formatNumber(score.mean)} <span className="muted">({formatNumber(score.count)})</span></span>)}
                </span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
