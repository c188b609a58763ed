import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
}

/**
 * Runs `load` when `deps` change and keeps the latest answer. An answer to an older request is
 * dropped, so fast typing in a filter never shows stale rows. `initial`, called once, may give
 * an answer that is already here (a prefetched one): the first render shows it and the first
 * load is skipped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], initial?: () => T | undefined): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined; loading: boolean }>(() => {
    const data = initial?.();
    return { data, error: undefined, loading: data === undefined };
  });
  const skipFirstLoad = useRef(state.data !== undefined);
  const generation = useRef(0);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const mine = ++generation.current;
    if (skipFirstLoad.current) {
      skipFirstLoad.current = false;
      return;
    }
    // Unchanged state when already loading (the first load): no second render of the page.
    setState((previous) => (previous.loading ? previous : { ...previous, loading: true }));
    load().then(
      (data) => {
        if (mine === generation.current) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (mine === generation.current) setState({ data: undefined, error: error instanceof Error ? error : new Error(String(error)), loading: false });
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((value) => value + 1), []);
  return { ...state, reload };
}
