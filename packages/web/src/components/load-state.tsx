import type { ReactNode } from 'react';
import type { Loaded } from '../lib/use-load.ts';

interface LoadStateProps<T> {
  result: Loaded<T>;
  /** What to say when the data is there but empty. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}

/** The loading, error and empty states every page shows the same way. */
export function LoadState<T>({ result, isEmpty, empty, children }: LoadStateProps<T>) {
  if (result.error !== undefined) {
    return (
      <div className="state state-error" role="alert">
        <strong>Could not load this.</strong> <span className="error-message">{result.error.message}</span>{' '}
        <button type="button" onClick={result.reload}>Try again</button>
      </div>
    );
  }
  if (result.data === undefined) {
    return <div className="state state-loading" role="status" aria-live="polite">Loading…</div>;
  }
  if (isEmpty?.(result.data) === true) {
    return <div className="state state-empty">{empty ?? 'Nothing here yet.'}</div>;
  }
  return <>{children(result.data)}</>;
}
