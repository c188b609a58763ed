import { type FormEvent, useId, useState } from 'react';
import { errorPosition } from '../../lib/runs/error-position.ts';
import './runs.css';

interface FilterBoxProps {
  /** The applied filter (from the URL). */
  value: string;
  onApply: (filter: string) => void;
  /** The server's answer to the applied filter when it refused it. */
  error: Error | undefined;
}

/**
 * The MLflow search filter box (`metrics.loss < 0.5 AND params.lr = '0.1'`), applied on Enter.
 * A refused filter is explained under the box, with a caret under the position the server named.
 */
export function FilterBox({ value, onApply, error }: FilterBoxProps) {
  const [draft, setDraft] = useState(value);
  const [applied, setApplied] = useState(value);
  // The URL changed under us (back button, shared link): show what it says.
  if (applied !== value) {
    setApplied(value);
    setDraft(value);
  }
  const errorId = useId();
  const position = error === undefined ? undefined : errorPosition(error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft.trim());
  };
  return (
    <form className="filter-box" role="search" onSubmit={submit}>
      <div className="toolbar filter-row">
        <input
          className="filter"
          type="text"
          aria-label="Filter runs"
          placeholder="metrics.loss < 0.5 AND params.lr = '0.1'"
          spellCheck={false}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          aria-invalid={error !== undefined}
          aria-describedby={error === undefined ? undefined : errorId}
        />
        <button type="submit">Apply</button>
        {value !== '' && (
          <button type="button" onClick={() => { setDraft(''); onApply(''); }}>Clear</button>
        )}
      </div>
      {error !== undefined && (
        <div className="filter-error" id={errorId} role="alert">
          <div className="field-error">{error.message}</div>
          {position !== undefined && position <= value.length && (
            <pre className="filter-caret" aria-label={`Error at position ${position}`} data-testid="filter-caret">
              {value}
              {'\n'}
              {' '.repeat(position)}
              <span className="caret">^</span>
            </pre>
          )}
        </div>
      )}
    </form>
  );
}
