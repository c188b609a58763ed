import type { Clock } from '../../ports.ts';

export interface SemanticCacheOptions {
  /** Most entries kept over all scopes; the least recently used goes first. */
  maxEntries: number;
  clock: Clock;
}

export interface SemanticCacheHit {
  value: string;
  /** Cosine similarity of the query to the stored vector, in [-1, 1]. */
  similarity: number;
}

export interface SemanticCache {
  /**
   * The entry of `scope` most similar to `vector`, when its cosine similarity is at least
   * `threshold`. Expired entries never answer. A hit counts as a use for LRU eviction.
   */
  lookup(scope: string, vector: Float32Array | readonly number[], threshold: number): SemanticCacheHit | undefined;
  /** Stores `value` under `vector` in `scope`. A zero or non-finite vector, or a TTL of zero or less, stores nothing. */
  store(scope: string, vector: Float32Array | readonly number[], value: string, ttlSeconds: number): void;
  /** Entries held now, expired ones not yet dropped included. */
  readonly size: number;
  clear(): void;
}

interface Entry {
  scope: string;
  vector: Float32Array;
  value: string;
  expiresAt: number;
}

/**
 * The embedded semantic cache: vectors normalised once at insert, so cosine similarity is a dot
 * product; lookups scan the scope's entries (brute force: a scope is one project, model and
 * parameter set, small next to the whole cache). Entries expire by TTL and the least recently used
 * go beyond `maxEntries`. A vector of another length than the query (the embedding model changed)
 * is skipped.
 */
export function createSemanticCache(options: SemanticCacheOptions): SemanticCache {
  const maxEntries = Math.max(0, Math.floor(options.maxEntries));
  // Insertion order is recency order: a hit re-inserts its entry at the end.
  const recency = new Set<Entry>();
  const scopes = new Map<string, Set<Entry>>();

  function remove(entry: Entry): void {
    recency.delete(entry);
    const scope = scopes.get(entry.scope);
    if (scope === undefined) return;
    scope.delete(entry);
    if (scope.size === 0) scopes.delete(entry.scope);
  }

  return {
    lookup(scope, vector, threshold) {
      const entries = scopes.get(scope);
      const query = normalised(vector);
      if (entries === undefined || query === undefined) return undefined;
      const now = options.clock.now();
      let best: Entry | undefined;
      let bestSimilarity = -Infinity;
      for (const entry of entries) {
        // Deleting from a Set while iterating it is safe in JavaScript.
        if (entry.expiresAt <= now) {
          remove(entry);
          continue;
        }
        if (entry.vector.length !== query.length) continue;
        const similarity = dot(entry.vector, query);
        if (similarity > bestSimilarity) {
          best = entry;
          bestSimilarity = similarity;
        }
      }
      // Rounding in Float32 can take a vector's similarity to itself a hair past 1.
      const similarity = Math.min(1, Math.max(-1, bestSimilarity));
      if (best === undefined || similarity < threshold) return undefined;
      recency.delete(best);
      recency.add(best);
      return { value: best.value, similarity };
    },
    store(scope, vector, value, ttlSeconds) {
      const unit = normalised(vector);
      if (unit === undefined || !(ttlSeconds > 0) || maxEntries === 0) return;
      while (recency.size >= maxEntries) {
        const oldest = recency.values().next();
        if (oldest.done === true) break;
        remove(oldest.value);
      }
      const entry: Entry = { scope, vector: Float32Array.from(unit), value, expiresAt: options.clock.now() + ttlSeconds * 1000 };
      recency.add(entry);
      let entries = scopes.get(scope);
      if (entries === undefined) {
        entries = new Set();
        scopes.set(scope, entries);
      }
      entries.add(entry);
    },
    get size() {
      return recency.size;
    },
    clear() {
      recency.clear();
      scopes.clear();
    },
  };
}

/** The vector scaled to length 1, in double precision; undefined for a zero or non-finite vector. */
function normalised(vector: Float32Array | readonly number[]): Float64Array | undefined {
  let squares = 0;
  for (const component of vector) squares += component * component;
  const norm = Math.sqrt(squares);
  if (!(norm > 0) || !Number.isFinite(norm)) return undefined;
  const unit = new Float64Array(vector.length);
  for (let index = 0; index < vector.length; index += 1) unit[index] = (vector[index] ?? 0) / norm;
  return unit;
}

function dot(stored: Float32Array, query: Float64Array): number {
  let sum = 0;
  for (let index = 0; index < stored.length; index += 1) sum += (stored[index] ?? 0) * (query[index] ?? 0);
  return sum;
}
