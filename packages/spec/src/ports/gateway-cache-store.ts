/**
 * The exact-match response cache: opaque keys (hashes of normalised requests, already scoped by
 * project) to serialised responses. Embedded: an in-process LRU; scale-out: Redis.
 */
export interface ResponseCacheStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  close(): Promise<void>;
}
