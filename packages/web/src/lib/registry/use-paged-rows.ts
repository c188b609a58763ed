import { useState } from 'react';
import type { Loaded } from '../use-load.ts';
import { type PagedList, usePagedList } from '../use-paged-list.ts';

export interface PagedRows<T> extends PagedList<T> {
  /** For LoadState: the rows, or the first page's error. */
  result: Loaded<T[]>;
  /** A later page's error, shown under the rows already there. */
  moreError: Error | undefined;
}

/**
 * usePagedList for a plain table: while the first page of a new query (a filter being typed) loads,
 * the previous rows stay on screen instead of a loading state; an error on a later page keeps the
 * rows and is reported apart from them.
 */
export function usePagedRows<T>(loadPage: Parameters<typeof usePagedList<T>>[0], deps: readonly unknown[]): PagedRows<T> {
  const list = usePagedList(loadPage, deps);
  const [shown, setShown] = useState<T[] | undefined>(undefined);
  if (list.data !== undefined && list.data !== shown) setShown(list.data);
  const rows = list.data ?? (list.error === undefined ? shown : undefined);
  return {
    ...list,
    result: { data: rows, error: rows === undefined ? list.error : undefined, loading: list.loading, reload: list.reload },
    moreError: rows === undefined ? undefined : list.error,
  };
}
