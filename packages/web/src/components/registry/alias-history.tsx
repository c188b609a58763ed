import { Link } from 'react-router-dom';
import { formatTime } from '../../lib/format.ts';
import type { AliasMove } from '../../lib/registry/alias-moves.ts';
import './registry.css';

/** Alias moves, newest first: when, which alias, from which version to which, and who. */
export function AliasHistory({ moves }: { moves: readonly AliasMove[] }) {
  if (moves.length === 0) return <div className="state state-empty">No alias has been set on this model yet.</div>;
  const versionLink = (version: string) => <Link to={{ search: `?version=${encodeURIComponent(version)}` }}>v{version}</Link>;
  return (
    <table className="simple" aria-label="Alias history">
      <thead>
        <tr><th>When</th><th>Alias</th><th>Change</th><th>By</th></tr>
      </thead>
      <tbody>
        {moves.map((move) => (
          <tr key={move.id}>
            <td>{formatTime(move.at)}</td>
            <td><span className="pill alias-pill">@{move.alias}</span></td>
            <td className="history-change">
              {move.to === null ? <>removed from {move.from === null ? '—' : versionLink(move.from)}</>
                : move.from === null ? <>set to {versionLink(move.to)}</>
                : <><span className="from">{versionLink(move.from)}</span> → {versionLink(move.to)}</>}
            </td>
            <td className="mono">{move.actor === '' ? '—' : move.actor}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
