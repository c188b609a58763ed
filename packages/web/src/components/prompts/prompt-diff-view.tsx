import type { PromptDiff } from '@keel/sdk/client';
import { type DiffCell, sideBySideDiff } from '../../lib/prompts/side-by-side-diff.ts';
import './prompts.css';

const markers = { add: '+', remove: '−', equal: '' } as const;
const spoken = { add: 'added: ', remove: 'removed: ', equal: '' } as const;

function Side({ cell, divider }: { cell: DiffCell | null; divider: boolean }) {
  const edge = divider ? ' side-divider' : '';
  if (cell === null) {
    return <><td className={`line-number diff-blank${edge}`} /><td className="marker diff-blank" /><td className="diff-blank" /></>;
  }
  const tone = cell.op === 'equal' ? '' : ` diff-${cell.op}`;
  return (
    <>
      <td className={`line-number${tone}${edge}`}>{cell.number}</td>
      <td className={`marker${tone}`} aria-hidden="true">{markers[cell.op]}</td>
      <td className={`diff-text${tone}`} data-op={cell.op}>
        {cell.op !== 'equal' && <span className="visually-hidden">{spoken[cell.op]}</span>}
        {cell.text === '' ? '\u00a0' : cell.text}
      </td>
    </>
  );
}

/** Two versions side by side, removed lines on the left and added ones on the right, then variable and config changes. */
export function PromptDiffView({ diff }: { diff: PromptDiff }) {
  const rows = sideBySideDiff(diff.lines);
  const changed = diff.lines.some((line) => line.op !== 'equal');
  return (
    <div>
      {diff.typeChanged && <p className="muted">The prompt type changed between these versions; chat messages are shown as a [role] line and their content.</p>}
      {!changed && diff.from !== diff.to && <p className="muted">The template text is the same in both versions.</p>}
      <table className="diff" aria-label={`Diff of version ${diff.from} and version ${diff.to}`}>
        <colgroup>
          <col className="line-number" /><col className="marker" /><col />
          <col className="line-number" /><col className="marker" /><col />
        </colgroup>
        <thead>
          <tr><th colSpan={3}>Version {diff.from}</th><th colSpan={3}>Version {diff.to}</th></tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            // Rows have no identity beyond their place in this diff.
            <tr key={index}>
              <Side cell={row.left} divider={false} />
              <Side cell={row.right} divider />
            </tr>
          ))}
        </tbody>
      </table>
      {(diff.variables.added.length > 0 || diff.variables.removed.length > 0 || diff.config.length > 0) && (
        <div className="diff-summary">
          {(diff.variables.added.length > 0 || diff.variables.removed.length > 0) && (
            <section aria-label="Variable changes">
              <strong>Variables</strong>
              <ul>
                {diff.variables.added.map((name) => <li key={`+${name}`} className="added">+ <code>{name}</code></li>)}
                {diff.variables.removed.map((name) => <li key={`-${name}`} className="removed">− <code>{name}</code></li>)}
              </ul>
            </section>
          )}
          {diff.config.length > 0 && (
            <section aria-label="Config changes">
              <strong>Config</strong>
              <ul>
                {diff.config.map((change) => (
                  <li key={change.path}>
                    <code>{change.path}</code>{' '}
                    {change.change === 'added' ? <span className="added">added: <code>{JSON.stringify(change.to)}</code></span>
                      : change.change === 'removed' ? <span className="removed">removed (was <code>{JSON.stringify(change.from)}</code>)</span>
                      : <><code>{JSON.stringify(change.from)}</code> → <code>{JSON.stringify(change.to)}</code></>}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      )}
    </div>
  );
}
