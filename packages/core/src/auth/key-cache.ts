import type { ApiKeyRecord } from '@keel/spec';

/**
 * Recently seen keys by secret, for a short time: authentication is on every request, and a
 * SHA-256 plus a database lookup per request showed in the log-batch profile. A key revoked
 * through another server stops working here within `ttlMs`; through this server, at once.
 */
export function createKeyCache(ttlMs: number, maxEntries = 10_000) {
  const entries = new Map<string, { record: ApiKeyRecord; expiresAt: number }>();
  return {
    get(secret: string, now: number): ApiKeyRecord | undefined {
      const entry = entries.get(secret);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= now) {
        entries.delete(secret);
        return undefined;
      }
      return entry.record;
    },
    set(secret: string, record: ApiKeyRecord, now: number): void {
      if (ttlMs <= 0) return;
      if (entries.size >= maxEntries) entries.clear();
      entries.set(secret, { record, expiresAt: now + ttlMs });
    },
    forgetKey(id: string): void {
      for (const [secret, entry] of entries) if (entry.record.id === id) entries.delete(secret);
    },
  };
}
