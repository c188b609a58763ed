import type { KeelClient } from '@keel/sdk/client';
import type { ScoreDataType } from '@keel/spec';
import { type FormEvent, useState } from 'react';
import { formatNumber, formatTime } from '../../lib/format.ts';
import './traces.css';

type Score = Awaited<ReturnType<KeelClient['traces']['score']>>;

interface ScoresPanelProps {
  client: KeelClient;
  traceId: string;
  scores: readonly Score[];
  /** The span selected in the tree: a new score may be attached to it. */
  selectedSpan: { spanId: string; name: string } | null;
  /** Called once a score is stored (the page reloads the trace). */
  onAdded: () => void;
}

const scoreValue = (score: Score): string => (score.dataType === 'numeric' ? formatNumber(score.value) : score.label ?? formatNumber(score.value));

function parseValue(dataType: ScoreDataType, text: string): number | boolean | string | Error {
  const trimmed = text.trim();
  if (dataType === 'numeric') {
    const value = Number(trimmed);
    return trimmed === '' || !Number.isFinite(value) ? new Error('A numeric score needs a number.') : value;
  }
  if (dataType === 'boolean') {
    if (/^(true|yes|1)$/i.test(trimmed)) return true;
    if (/^(false|no|0)$/i.test(trimmed)) return false;
    return new Error('A boolean score is true or false.');
  }
  return trimmed === '' ? new Error('A categorical score needs a label.') : trimmed;
}

/** The trace's scores, and a form to add one by hand (source `human`). */
export function ScoresPanel({ client, traceId, scores, selectedSpan, onAdded }: ScoresPanelProps) {
  const [name, setName] = useState('');
  const [dataType, setDataType] = useState<ScoreDataType>('numeric');
  const [value, setValue] = useState('');
  const [comment, setComment] = useState('');
  const [onSpan, setOnSpan] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseValue(dataType, value);
    if (name.trim() === '') return setError('Give the score a name.');
    if (parsed instanceof Error) return setError(parsed.message);
    setBusy(true);
    setError(null);
    client.traces
      .score(traceId, { name: name.trim(), dataType, value: parsed, comment, source: 'human', ...(onSpan && selectedSpan !== null ? { spanId: selectedSpan.spanId } : {}) })
      .then(
        () => {
          setName('');
          setValue('');
          setComment('');
          onAdded();
        },
        (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <section className="scores" aria-labelledby="scores-heading">
      <h2 id="scores-heading">Scores</h2>
      {scores.length === 0 ? <p className="muted">No scores yet.</p> : (
        <table className="simple" aria-label="Scores">
          <thead>
            <tr><th>Name</th><th className="num">Value</th><th>Source</th><th>Span</th><th>Comment</th><th>By</th><th>When</th></tr>
          </thead>
          <tbody>
            {scores.map((score) => (
              <tr key={score.id}>
                <td>{score.name}</td>
                <td className="num">{scoreValue(score)}</td>
                <td>{score.source}</td>
                <td className="mono">{score.spanId ?? '—'}</td>
                <td>{score.comment || <span className="muted">—</span>}</td>
                <td>{score.author}</td>
                <td>{formatTime(score.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="score-form" aria-label="Add a score" onSubmit={submit}>
        <label>Score name<input value={name} onChange={(event) => setName(event.target.value)} placeholder="helpfulness" /></label>
        <label>
          Type
          <select value={dataType} onChange={(event) => setDataType(event.target.value as ScoreDataType)}>
            <option value="numeric">numeric</option>
            <option value="categorical">categorical</option>
            <option value="boolean">boolean</option>
          </select>
        </label>
        <label>Value<input value={value} onChange={(event) => setValue(event.target.value)} placeholder={dataType === 'numeric' ? '0.9' : dataType === 'boolean' ? 'true' : 'good'} style={{ width: '8rem' }} /></label>
        <label>Comment<textarea value={comment} onChange={(event) => setComment(event.target.value)} rows={1} /></label>
        {selectedSpan !== null && (
          <label style={{ display: 'flex', alignItems: 'center', gap: '0.3rem', paddingBottom: '0.4rem' }}>
            <input type="checkbox" checked={onSpan} onChange={(event) => setOnSpan(event.target.checked)} />
            on span “{selectedSpan.name}”
          </label>
        )}
        <button type="submit" disabled={busy}>{busy ? 'Adding…' : 'Add score'}</button>
      </form>
      {error !== null && <p className="field-error" role="alert">{error}</p>}
    </section>
  );
}
