const defaultMaxEntries = 10_000;

export interface SingleFlightCache<V> {
  /** The cached value, else the answer of `load` (shared with concurrent callers for the same key); `null` is not cached. */
  get(key: string, load: () => Promise<V | null>): Promise<V | null>;
  /** Forgets the values `matches` picks (all when omitted), and the lookups in flight. */
  forget(matches?: (value: V) => boolean): void;
}

/**
 * Values by key for `ttlMs`, with one lookup per key at a time. API keys and gateway virtual keys
 * are looked up on every request: when the entry of a key in use at concurrency 128 expires, the
 * requests that arrive during its lookup wait for that lookup instead of each making their own (a
 * SHA-256 and a query each). Forgetting (a revocation, a new config file) also discards what lookups
 * begun before it would cache, so a revoked key stops at once in this process.
 */
export function createSingleFlightCache<V>(ttlMs: number, now: () => number, maxEntries = defaultMaxEntries): SingleFlightCache<V> {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  const inFlight = new Map<string, Promise<V | null>>();
  // Bumped by every forget: a lookup begun under an older generation does not cache its answer.
  let generation = 0;

  return {
    get(key, load) {
      const cached = entries.get(key);
      if (cached !== undefined) {
        if (cached.expiresAt > now()) return Promise.resolve(cached.value);
        entries.delete(key);
      }
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
      const startedIn = generation;
      const lookup = load().then((value) => {
        if (value !== null && ttlMs > 0 && startedIn === generation) {
          if (entries.size >= maxEntries) entries.clear();
          entries.set(key, { value, expiresAt: now() + ttlMs });
        }
        return value;
      });
      inFlight.set(key, lookup);
      const done = (): void => {
        if (inFlight.get(key) === lookup) inFlight.delete(key);
      };
      lookup.then(done, done);
      return lookup;
    },
    forget(matches = () => true) {
      generation += 1;
      inFlight.clear();
      for (const [key, entry] of entries) if (matches(entry.value)) entries.delete(key);
    },
  };
}
