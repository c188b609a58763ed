// Render as you fetch: the first page's data is asked for at start, while its code still loads,
// and the page takes the answer instead of asking again.
const started = new Map<string, Promise<unknown>>();

export function prefetch<T>(key: string, load: () => Promise<T>): Promise<T> {
  let pending = started.get(key) as Promise<T> | undefined;
  if (pending === undefined) {
    pending = load();
    // A failure is the page's to show when it takes the answer; unhandled here it would be logged twice.
    pending.catch(() => undefined);
    started.set(key, pending);
  }
  return pending;
}

/** The prefetched answer for `key`, once; later calls (a reload, another visit) go to the server. */
export function takePrefetched<T>(key: string): Promise<T> | undefined {
  const pending = started.get(key) as Promise<T> | undefined;
  started.delete(key);
  return pending;
}
