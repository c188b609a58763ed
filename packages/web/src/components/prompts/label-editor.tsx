import type { KeelClient } from '@keel/sdk/client';
import { type FormEvent, useState } from 'react';
import { type LabelAssignment, automaticLabel } from '../../lib/prompts/label-assignments.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import './prompts.css';

/** Labels whose move needs a confirmation: apps in production read them. */
const guardedLabels = new Set(['production']);

interface LabelEditorProps {
  client: KeelClient;
  prompt: string;
  assignments: readonly LabelAssignment[];
  /** Newest first. */
  versions: readonly number[];
  /** Called after a label moved, to reload what shows labels. */
  onChanged(): void;
}

interface Move {
  label: string;
  from: number | null;
  to: number;
}

function MoveControl({ assignment, versions, busy, onMove }: { assignment: LabelAssignment; versions: readonly number[]; busy: boolean; onMove(to: number): void }) {
  const [target, setTarget] = useState(assignment.version);
  return (
    <span className="label-move">
      <select aria-label={`Move ${assignment.label} to`} value={target} onChange={(event) => setTarget(Number(event.target.value))}>
        {versions.map((version) => <option key={version} value={version}>v{version}</option>)}
      </select>
      <button type="button" disabled={busy || target === assignment.version} onClick={() => onMove(target)} aria-label={`Move ${assignment.label}`}>Move</button>
    </span>
  );
}

/** Which version each label names, and moving a label; moving `production` asks first. Failures are shown here. */
export function LabelEditor({ client, prompt, assignments, versions, onChanged }: LabelEditorProps) {
  const [pending, setPending] = useState<Move | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [newLabel, setNewLabel] = useState('');
  const [newVersion, setNewVersion] = useState<number | undefined>(versions[0]);

  const perform = async (move: Move) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await client.prompts.setLabel(prompt, move.label, move.to);
      setDone(move.from === null ? `${move.label} now names v${move.to}.` : `${move.label} moved from v${move.from} to v${move.to}.`);
      onChanged();
    } catch (caught) {
      setError(`Could not move ${move.label}: ${caught instanceof Error ? caught.message : String(caught)}`);
    } finally {
      setBusy(false);
    }
  };
  const request = (move: Move) => {
    if (guardedLabels.has(move.label)) setPending(move);
    else void perform(move);
  };
  const addLabel = (event: FormEvent) => {
    event.preventDefault();
    const label = newLabel.trim();
    const version = newVersion ?? versions[0];
    if (label === '' || version === undefined) return;
    if (label === automaticLabel) {
      setError(`${automaticLabel} always names the newest version and cannot be set.`);
      return;
    }
    request({ label, from: assignments.find((assignment) => assignment.label === label)?.version ?? null, to: version });
    setNewLabel('');
  };

  return (
    <div>
      {assignments.length === 0 ? <p className="muted">No labels yet. Set one below to deploy a version.</p> : (
        <table className="simple label-table" aria-label="Labels">
          <thead>
            <tr><th>Label</th><th>Version</th><th>Move to</th></tr>
          </thead>
          <tbody>
            {assignments.map((assignment) => (
              <tr key={assignment.label} data-label={assignment.label}>
                <td><span className={`pill label-pill ${assignment.label === 'production' ? 'production' : ''}`}>{assignment.label}</span></td>
                <td>v{assignment.version}</td>
                <td>
                  <MoveControl key={assignment.version} assignment={assignment} versions={versions} busy={busy} onMove={(to) => request({ label: assignment.label, from: assignment.version, to })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="label-add" onSubmit={addLabel} aria-label="Set a label">
        <label htmlFor="new-label-name">Set label</label>
        <input id="new-label-name" value={newLabel} placeholder="staging" onChange={(event) => setNewLabel(event.target.value)} />
        <label htmlFor="new-label-version">on</label>
        <select id="new-label-version" value={newVersion ?? ''} onChange={(event) => setNewVersion(Number(event.target.value))}>
          {versions.map((version) => <option key={version} value={version}>v{version}</option>)}
        </select>
        <button type="submit" disabled={busy || newLabel.trim() === ''}>Set label</button>
      </form>
      {error !== null && <p className="inline-error" role="alert">{error}</p>}
      {done !== null && <p className="inline-ok" role="status">{done}</p>}
      <ConfirmDialog
        open={pending !== null}
        title={`Move ${pending?.label ?? ''}?`}
        confirmLabel="Confirm"
        onCancel={() => setPending(null)}
        onConfirm={() => {
          const move = pending;
          setPending(null);
          if (move !== null) void perform(move);
        }}
      >
        {pending !== null && (
          <p>
            {pending.from === null ? <>Point <strong>{pending.label}</strong> at version {pending.to} of {prompt}?</> : <>Move <strong>{pending.label}</strong> of {prompt} from version {pending.from} to version {pending.to}?</>}{' '}
            Applications that fetch the {pending.label} label get version {pending.to} on their next fetch.
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
