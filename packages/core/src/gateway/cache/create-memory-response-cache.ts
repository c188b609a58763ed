import type { ResponseCacheStore } from '@keel/spec';
import type { Clock } from '../../ports.ts';

export interface MemoryResponseCacheOptions {
  /** Most entries kept; the least recently used goes first. */
  maxEntries: number;
  /**
   * Most memory held by keys and values together, counted as two bytes per UTF-16 code unit
   * (how V8 stores non-Latin-1 strings: an upper bound). Default 64 MiB. A value bigger than
   * this on its own is not stored.
   */
  maxBytes?: number | undefined;
  clock: Clock;
}

interface Entry {
  value: string;
  expiresAt: number;
  bytes: number;
}

export interface MemoryResponseCache extends ResponseCacheStore {
  /** Entries held now, expired ones not yet dropped included. */
  readonly size: number;
  /** Bytes held now, as counted for `maxBytes`. */
  readonly bytes: number;
}

const defaultMaxBytes = 64 * 1024 * 1024;

/**
 * The embedded exact-match response cache: an LRU with a time to live per entry, bounded by entry
 * count and by bytes. A Map keeps insertion order, so re-inserting on every hit makes its first
 * key the least recently used one. Expired entries are dropped when read and pushed out by newer
 * ones; no timers run.
 */
export function createMemoryResponseCache(options: MemoryResponseCacheOptions): MemoryResponseCache {
  const maxEntries = Math.max(0, Math.floor(options.maxEntries));
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  const entries = new Map<string, Entry>();
  let bytes = 0;

  function remove(key: string): void {
    const entry = entries.get(key);
    if (entry === undefined) return;
    entries.delete(key);
    bytes -= entry.bytes;
  }

  function evictOldest(): void {
    const oldest = entries.keys().next();
    if (oldest.done !== true) remove(oldest.value);
  }

  return {
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return Promise.resolve(undefined);
      if (entry.expiresAt <= options.clock.now()) {
        remove(key);
        return Promise.resolve(undefined);
      }
      entries.delete(key);
      entries.set(key, entry);
      return Promise.resolve(entry.value);
    },
    set(key, value, ttlSeconds) {
      remove(key);
      const entryBytes = (key.length + value.length) * 2;
      if (!(ttlSeconds > 0) || entryBytes > maxBytes || maxEntries === 0) return Promise.resolve();
      while (entries.size >= maxEntries || bytes + entryBytes > maxBytes) evictOldest();
      entries.set(key, { value, expiresAt: options.clock.now() + ttlSeconds * 1000, bytes: entryBytes });
      bytes += entryBytes;
      return Promise.resolve();
    },
    close() {
      entries.clear();
      bytes = 0;
      return Promise.resolve();
    },
  };
}
