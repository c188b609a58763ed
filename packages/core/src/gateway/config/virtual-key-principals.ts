import type { VirtualKeyPrincipal } from '../resolved-gateway-config.ts';

const maxEntries = 10_000;

/**
 * Virtual keys' principals by secret, for `ttlMs`, with one lookup per secret at a time: when the
 * entry of a key in use at concurrency 128 expires, the requests that arrive during its lookup wait
 * for that lookup instead of each making their own. Forgetting a key (revocation, a new config
 * file) also discards what lookups begun before it would cache, so a revoked key stops at once.
 */
export function createVirtualKeyPrincipals(ttlMs: number, now: () => number) {
  const entries = new Map<string, { principal: VirtualKeyPrincipal; expiresAt: number }>();
  const inFlight = new Map<string, Promise<VirtualKeyPrincipal | null>>();
  // Bumped by every forget: a lookup begun under an older generation does not cache its answer.
  let generation = 0;

  return {
    /** The cached principal, else the answer of `load` (shared with concurrent callers for the same secret). */
    get(secret: string, load: () => Promise<VirtualKeyPrincipal | null>): Promise<VirtualKeyPrincipal | null> {
      const cached = entries.get(secret);
      if (cached !== undefined) {
        if (cached.expiresAt > now()) return Promise.resolve(cached.principal);
        entries.delete(secret);
      }
      const pending = inFlight.get(secret);
      if (pending !== undefined) return pending;
      const startedIn = generation;
      const lookup = load().then((principal) => {
        if (principal !== null && ttlMs > 0 && startedIn === generation) {
          if (entries.size >= maxEntries) entries.clear();
          entries.set(secret, { principal, expiresAt: now() + ttlMs });
        }
        return principal;
      });
      inFlight.set(secret, lookup);
      const done = (): void => {
        if (inFlight.get(secret) === lookup) inFlight.delete(secret);
      };
      lookup.then(done, done);
      return lookup;
    },
    /** Forgets the principals `matches` picks (all when omitted), and the lookups in flight. */
    forget(matches: (principal: VirtualKeyPrincipal) => boolean = () => true): void {
      generation += 1;
      inFlight.clear();
      for (const [secret, entry] of entries) if (matches(entry.principal)) entries.delete(secret);
    },
  };
}
