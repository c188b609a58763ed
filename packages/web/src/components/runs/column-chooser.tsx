import { useState } from 'react';
import type { RunKeys } from '../../lib/runs/collect-run-keys.ts';
import type { RunColumnKind } from '../../lib/runs/run-column.ts';
import './runs.css';

interface ColumnChooserProps {
  keys: RunKeys;
  chosen: readonly string[];
  onChange: (columns: string[]) => void;
}

const groups: { kind: RunColumnKind; title: string }[] = [
  { kind: 'metrics', title: 'Metrics' },
  { kind: 'params', title: 'Params' },
  { kind: 'tags', title: 'Tags' },
];

/** A drop-down of checkboxes: the param, metric and tag keys found in the loaded runs. */
export function ColumnChooser({ keys, chosen, onChange }: ColumnChooserProps) {
  const toggle = (id: string, on: boolean) => onChange(on ? [...chosen, id] : chosen.filter((item) => item !== id));
  const total = keys.metrics.length + keys.params.length + keys.tags.length;
  const [find, setFind] = useState('');
  const needle = find.trim().toLowerCase();
  const shown = (kind: RunColumnKind) => (needle === '' ? keys[kind] : keys[kind].filter((key) => `${kind}.${key}`.toLowerCase().includes(needle)));
  return (
    <details className="column-chooser">
      <summary>Columns{chosen.length > 0 ? ` (${chosen.length})` : ''}</summary>
      <div className="column-chooser-panel" role="group" aria-label="Choose columns">
        {total === 0 && <div className="muted">No params, metrics or tags in the loaded runs.</div>}
        {total > 12 && <input type="search" aria-label="Find a column" placeholder="Find a key" value={find} onChange={(event) => setFind(event.target.value)} />}
        {groups.map(({ kind, title }) =>
          shown(kind).length === 0 ? null : (
            <fieldset key={kind}>
              <legend>{title}</legend>
              {shown(kind).map((key) => {
                const id = `${kind}.${key}`;
                return (
                  <label key={id} title={id}>
                    <input type="checkbox" aria-label={id} checked={chosen.includes(id)} onChange={(event) => toggle(id, event.target.checked)} />
                    <span className="mono">{key}</span>
                  </label>
                );
              })}
            </fieldset>
          ),
        )}
        {chosen.length > 0 && <button type="button" onClick={() => onChange([])}>Remove all</button>}
      </div>
    </details>
  );
}
