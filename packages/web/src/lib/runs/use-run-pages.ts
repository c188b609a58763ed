import type { KeelClient, Run } from '@keel/sdk/client';
import { useCallback, useEffect, useRef, useState } from 'react';

export const runsPageSize = 500;
/** The first page is smaller: it fills the screen several times over and arrives (and parses) sooner. */
export const firstRunsPageSize = 100;

export interface RunPages {
  runs: Run[] | undefined;
  error: Error | undefined;
  /** True while a page is on its way. */
  loading: boolean;
  /** True once the last page has come. */
  complete: boolean;
  /** Asks for the next page (no-op while one is loading or when all are in). */
  loadMore(): void;
  reload(): void;
}

interface State {
  runs: Run[] | undefined;
  error: Error | undefined;
  loading: boolean;
  nextPageToken: string | undefined;
}

/**
 * Runs of one experiment, `runsPageSize` at a time: the first page when the filter or order
 * changes, the next ones when the table asks (scrolling near the end). Answers to an older
 * filter or order are dropped.
 */
export function useRunPages(client: KeelClient, experimentId: string, filter: string, orderBy: readonly string[]): RunPages {
  const [state, setState] = useState<State>({ runs: undefined, error: undefined, loading: true, nextPageToken: undefined });
  const generation = useRef(0);
  const inFlight = useRef(false);
  const [tick, setTick] = useState(0);
  const orderKey = orderBy.join('\n');

  const fetchPage = useCallback(
    (pageToken: string | undefined, size: number) =>
      client.runs.search({
        experimentIds: [experimentId],
        ...(filter.trim() === '' ? {} : { filter }),
        ...(orderKey === '' ? {} : { orderBy: orderKey.split('\n') }),
        maxResults: size,
        ...(pageToken === undefined ? {} : { pageToken }),
      }),
    [client, experimentId, filter, orderKey],
  );

  useEffect(() => {
    const mine = ++generation.current;
    inFlight.current = true;
    setState({ runs: undefined, error: undefined, loading: true, nextPageToken: undefined });
    fetchPage(undefined, firstRunsPageSize).then(
      (page) => {
        if (mine !== generation.current) return;
        inFlight.current = false;
        setState({ runs: page.items, error: undefined, loading: false, nextPageToken: page.nextPageToken });
      },
      (error: unknown) => {
        if (mine !== generation.current) return;
        inFlight.current = false;
        setState({ runs: undefined, error: error instanceof Error ? error : new Error(String(error)), loading: false, nextPageToken: undefined });
      },
    );
  }, [fetchPage, tick]);

  const { nextPageToken } = state;
  const loadMore = useCallback(() => {
    if (inFlight.current || nextPageToken === undefined) return;
    const mine = generation.current;
    inFlight.current = true;
    setState((previous) => ({ ...previous, loading: true }));
    fetchPage(nextPageToken, runsPageSize).then(
      (page) => {
        if (mine !== generation.current) return;
        inFlight.current = false;
        setState((previous) => ({ runs: [...(previous.runs ?? []), ...page.items], error: undefined, loading: false, nextPageToken: page.nextPageToken }));
      },
      (error: unknown) => {
        if (mine !== generation.current) return;
        inFlight.current = false;
        setState((previous) => ({ ...previous, error: error instanceof Error ? error : new Error(String(error)), loading: false }));
      },
    );
  }, [fetchPage, nextPageToken]);

  const reload = useCallback(() => setTick((value) => value + 1), []);
  return { runs: state.runs, error: state.error, loading: state.loading, complete: state.runs !== undefined && nextPageToken === undefined, loadMore, reload };
}
