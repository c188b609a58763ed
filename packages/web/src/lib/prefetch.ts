// Render as you fetch: the first page's data is asked for at start, while its code still loads,
// and the page takes the answer instead of asking again.
interface Started {
  pending: Promise<unknown>;
  /** Set once the answer is in, so that a page can draw it in its first render. */
  value?: { data: unknown };
}

const started = new Map<string, Started>();

export function prefetch<T>(key: string, load: () => Promise<T>): Promise<T> {
  const existing = started.get(key);
  if (existing !== undefined) return existing.pending as Promise<T>;
  const entry: Started = { pending: load() };
  entry.pending.then(
    (data) => {
      entry.value = { data };
    },
    // A failure is the page's to show when it takes the answer; unhandled here it would be logged twice.
    () => undefined,
  );
  started.set(key, entry);
  return entry.pending as Promise<T>;
}

/** The prefetched answer for `key`, once; later calls (a reload, another visit) go to the server. */
export function takePrefetched<T>(key: string): Promise<T> | undefined {
  const entry = started.get(key);
  started.delete(key);
  return entry?.pending as Promise<T> | undefined;
}

/**
 * The answers for all `keys` if every one is already in (taking them, as takePrefetched does),
 * else undefined and nothing taken: what a page can draw at once, without a loading state.
 */
export function takeArrived<T>(keys: readonly string[]): T[] | undefined {
  const values: T[] = [];
  for (const key of keys) {
    const value = started.get(key)?.value;
    if (value === undefined) return undefined;
    values.push(value.data as T);
  }
  for (const key of keys) started.delete(key);
  return values;
}
