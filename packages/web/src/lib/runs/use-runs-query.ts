import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

export type SortDirection = 'asc' | 'desc';

export interface RunsQuery {
  /** The applied MLflow filter ('' for none). */
  filter: string;
  /** Column id sorted on: `attributes.start_time`, `metrics.loss`, ... */
  sort: string;
  direction: SortDirection;
  /** Chosen param/metric/tag column ids, in the order added. */
  columns: string[];
  /** Selected run ids. */
  selected: string[];
}

export const defaultSort = 'attributes.start_time';

/**
 * The runs table's state kept in the URL (`?filter=&sort=&dir=&col=&col=&sel=`), so a copied link
 * opens the same view. Updates replace the history entry rather than adding one per click.
 */
export function useRunsQuery(): [RunsQuery, (change: Partial<RunsQuery>) => void] {
  const [params, setParams] = useSearchParams();
  const query = useMemo<RunsQuery>(() => {
    const sel = params.get('sel') ?? '';
    return {
      filter: params.get('filter') ?? '',
      sort: params.get('sort') ?? defaultSort,
      direction: params.get('dir') === 'asc' ? 'asc' : 'desc',
      columns: params.getAll('col'),
      selected: sel === '' ? [] : sel.split(','),
    };
  }, [params]);
  const update = useCallback(
    (change: Partial<RunsQuery>) => {
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          const set = (name: string, value: string, fallback: string) => (value === fallback ? next.delete(name) : next.set(name, value));
          if (change.filter !== undefined) set('filter', change.filter, '');
          if (change.sort !== undefined) set('sort', change.sort, defaultSort);
          if (change.direction !== undefined) set('dir', change.direction, 'desc');
          if (change.columns !== undefined) {
            next.delete('col');
            for (const column of change.columns) next.append('col', column);
          }
          if (change.selected !== undefined) set('sel', change.selected.join(','), '');
          return next;
        },
        { replace: true, flushSync: true },
      );
    },
    [setParams],
  );
  return [query, update];
}
