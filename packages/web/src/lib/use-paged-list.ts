import { useCallback, useEffect, useRef, useState } from 'react';
import type { Loaded } from './use-load.ts';

export interface PagedList<T> extends Loaded<T[]> {
  /** More pages exist on the server. */
  hasMore: boolean;
  /** Loads the next page unless one is loading or none is left. */
  loadMore(): void;
}

/**
 * A list read page by page with the API's cursor: the first page when `deps` change, the next one
 * each time `loadMore` is called (the table calls it as the user scrolls near the end). Answers to
 * an older query are dropped.
 */
export function usePagedList<T>(loadPage: (pageToken: string | undefined) => Promise<{ items: T[]; nextPageToken?: string | undefined }>, deps: readonly unknown[]): PagedList<T> {
  const [state, setState] = useState<{ items: T[] | undefined; error: Error | undefined; loading: boolean; next: string | undefined }>({ items: undefined, error: undefined, loading: true, next: undefined });
  const generation = useRef(0);
  const busy = useRef(false);
  const nextToken = useRef<string | undefined>(undefined);
  const loader = useRef(loadPage);
  loader.current = loadPage;
  const [tick, setTick] = useState(0);

  const fetchPage = useCallback((first: boolean) => {
    const mine = first ? ++generation.current : generation.current;
    busy.current = true;
    setState((previous) => ({ ...previous, loading: true, ...(first ? { items: undefined, error: undefined } : {}) }));
    loader.current(first ? undefined : nextToken.current).then(
      (page) => {
        if (mine !== generation.current) return;
        busy.current = false;
        nextToken.current = page.nextPageToken;
        setState((previous) => ({ items: first ? page.items : [...(previous.items ?? []), ...page.items], error: undefined, loading: false, next: page.nextPageToken }));
      },
      (error: unknown) => {
        if (mine !== generation.current) return;
        busy.current = false;
        setState((previous) => ({ ...previous, error: error instanceof Error ? error : new Error(String(error)), loading: false }));
      },
    );
  }, []);

  useEffect(() => {
    nextToken.current = undefined;
    fetchPage(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick, fetchPage]);

  const loadMore = useCallback(() => {
    if (busy.current || nextToken.current === undefined) return;
    fetchPage(false);
  }, [fetchPage]);
  const reload = useCallback(() => setTick((value) => value + 1), []);
  return { data: state.items, error: state.error, loading: state.loading, hasMore: state.next !== undefined, loadMore, reload };
}
