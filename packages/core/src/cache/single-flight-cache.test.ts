import { describe, expect, it } from 'vitest';
import { createSingleFlightCache } from './single-flight-cache.ts';

/** A cached value shaped like the principals its users keep (API keys, virtual keys). */
interface Principal {
  projectId: number;
  projectName: string;
  keyName: string;
}

const principal: Principal = { projectId: 1, projectName: 'p', keyName: 'k' };

/** A load that answers when told to, counting its calls. */
function controlledLoad(answer: Principal | null | Error = principal) {
  const releases: (() => void)[] = [];
  let calls = 0;
  const load = (): Promise<Principal | null> => {
    calls += 1;
    return new Promise((resolve, reject) => releases.push(() => (answer instanceof Error ? reject(answer) : resolve(answer))));
  };
  return { load, release: () => releases.splice(0).forEach((release) => release()), calls: () => calls };
}

describe('createSingleFlightCache', () => {
  it('makes one lookup for concurrent requests of one secret, then answers from the cache until it expires', async () => {
    let now = 0;
    const principals = createSingleFlightCache<Principal>(2_000, () => now);
    const first = controlledLoad();
    const waiting = Array.from({ length: 128 }, () => principals.get('secret', first.load));
    first.release();
    expect(await Promise.all(waiting)).toEqual(Array.from({ length: 128 }, () => principal));
    expect(first.calls()).toBe(1);
    now = 1_999;
    expect(await principals.get('secret', first.load)).toEqual(principal);
    expect(first.calls()).toBe(1);
    now = 2_000;
    const second = controlledLoad();
    const again = [principals.get('secret', second.load), principals.get('secret', second.load)];
    second.release();
    expect(await Promise.all(again)).toEqual([principal, principal]);
    expect(second.calls()).toBe(1);
  });

  it('does not cache an unknown key or a failed lookup, and the next request looks again', async () => {
    const principals = createSingleFlightCache<Principal>(2_000, () => 0);
    const unknown = controlledLoad(null);
    const answer = principals.get('nope', unknown.load);
    unknown.release();
    expect(await answer).toBeNull();
    const failing = controlledLoad(new Error('database is locked'));
    const failed = [principals.get('nope', failing.load), principals.get('nope', failing.load)];
    failing.release();
    for (const result of failed) await expect(result).rejects.toThrow('database is locked');
    expect(failing.calls()).toBe(1);
    const known = controlledLoad();
    const found = principals.get('nope', known.load);
    known.release();
    expect(await found).toEqual(principal);
  });

  it('keeps what a lookup begun before a forget found out of the cache, so a revoked key stops at once', async () => {
    const principals = createSingleFlightCache<Principal>(2_000, () => 0);
    const before = controlledLoad();
    const inFlight = principals.get('secret', before.load);
    principals.forget((candidate) => candidate.keyName === 'k');
    // A request after the forget does not join the old lookup.
    const after = controlledLoad(null);
    const revoked = principals.get('secret', after.load);
    before.release();
    after.release();
    expect(await inFlight).toEqual(principal);
    expect(await revoked).toBeNull();
    const next = controlledLoad(null);
    const later = principals.get('secret', next.load);
    next.release();
    expect(await later).toBeNull();
    expect(next.calls()).toBe(1);
  });

  it('forgets only the principals that match', async () => {
    const principals = createSingleFlightCache<Principal>(2_000, () => 0);
    const other: Principal = { projectId: 2, projectName: 'q', keyName: 'k' };
    for (const [secret, answer] of [['a', principal], ['b', other]] as const) {
      const load = controlledLoad(answer);
      const got = principals.get(secret, load.load);
      load.release();
      await got;
    }
    principals.forget((candidate) => candidate.projectId === 1);
    const reload = controlledLoad();
    const a = principals.get('a', reload.load);
    const b = principals.get('b', reload.load);
    reload.release();
    expect(await a).toEqual(principal);
    expect(await b).toEqual(other);
    expect(reload.calls()).toBe(1);
  });
});
