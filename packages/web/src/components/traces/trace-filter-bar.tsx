import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { type TraceFilters, readTraceFilters, writeTraceFilters } from '../../lib/traces/trace-filters.ts';
import { WindowPicker } from './window-picker.tsx';

const textFields: { key: keyof Omit<TraceFilters, 'errorsOnly'>; label: string; placeholder: string; width?: string }[] = [
  { key: 'text', label: 'Search', placeholder: 'text in input or output' },
  { key: 'name', label: 'Name', placeholder: 'exact trace name' },
  { key: 'userId', label: 'User', placeholder: 'user id' },
  { key: 'sessionId', label: 'Session', placeholder: 'session id' },
  { key: 'tag', label: 'Tag', placeholder: 'tag' },
  { key: 'model', label: 'Model', placeholder: 'model' },
  { key: 'minLatencyMs', label: 'Min duration (ms)', placeholder: '0', width: '7rem' },
  { key: 'minCost', label: 'Min cost ($)', placeholder: '0', width: '6rem' },
];

/** The trace list's window and filters. Text filters apply on Enter or Apply; the rest at once. All live in the URL. */
export function TraceFilterBar() {
  const [params, setParams] = useSearchParams();
  const applied = readTraceFilters(params);
  const appliedKey = params.toString();
  const [draft, setDraft] = useState<{ key: string; filters: TraceFilters }>({ key: appliedKey, filters: applied });
  // The URL changed under the form (back button, a link): show what it says.
  const filters = draft.key === appliedKey ? draft.filters : applied;
  const set = (changes: Partial<TraceFilters>) => setDraft({ key: appliedKey, filters: { ...filters, ...changes } });
  const apply = (next: TraceFilters) => setParams((previous) => writeTraceFilters(previous, next));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply(filters);
  };
  const clear = () => apply({ name: '', userId: '', sessionId: '', tag: '', model: '', text: '', errorsOnly: false, minLatencyMs: '', minCost: '' });
  return (
    <form className="trace-filters" role="search" aria-label="Trace filters" onSubmit={submit}>
      <WindowPicker />
      {textFields.map((field) => (
        <label key={field.key} className="trace-filter">
          <span>{field.label}</span>
          <input
            type={field.key === 'minLatencyMs' || field.key === 'minCost' ? 'number' : 'text'}
            min={0}
            step="any"
            name={field.key}
            value={filters[field.key]}
            placeholder={field.placeholder}
            style={field.width === undefined ? undefined : { width: field.width }}
            onChange={(event) => set({ [field.key]: event.target.value })}
          />
        </label>
      ))}
      <label className="trace-filter checkbox">
        <input type="checkbox" checked={applied.errorsOnly} onChange={(event) => apply({ ...filters, errorsOnly: event.target.checked })} />
        <span>Errors only</span>
      </label>
      <button type="submit">Apply</button>
      <button type="button" onClick={clear}>Clear</button>
    </form>
  );
}
