import { formatTime } from '../../lib/format.ts';
import type { PromptLabelEvent } from '@keel/sdk/client';
import './prompts.css';

/** Label moves, newest first. */
export function LabelHistoryTable({ events }: { events: readonly PromptLabelEvent[] }) {
  if (events.length === 0) return <div className="state state-empty">No label has been set on this prompt yet.</div>;
  return (
    <table className="simple" aria-label="Label history">
      <thead>
        <tr><th>When</th><th>Label</th><th>Change</th><th>By</th></tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <tr key={event.id}>
            <td className="nowrap">{formatTime(event.at)}</td>
            <td><span className={`pill label-pill ${event.label === 'production' ? 'production' : ''}`}>{event.label}</span></td>
            <td className="nowrap">
              {event.toVersion === null ? `removed from v${event.fromVersion ?? '?'}` : event.fromVersion === null ? `set to v${event.toVersion}` : `v${event.fromVersion} → v${event.toVersion}`}
            </td>
            <td className="mono">{event.actor === '' ? '—' : event.actor}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
