import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResponseCacheStore } from '@keel/spec';
import { pollUntil } from '../keel-process.ts';

export interface ResponseCacheSubject {
  /** A new store that holds no entry the suite's keys could meet (a fresh instance or key prefix). */
  store: ResponseCacheStore;
  /**
   * Moves the store's clock forward. Stores on a clock of their own (Redis) leave it out; the
   * suite then waits for real one-second expiry, polling rather than sleeping a fixed time.
   */
  advanceTime?: ((milliseconds: number) => void) | undefined;
}

/** Opens a new, empty store on every call. */
export type OpenResponseCache = () => Promise<ResponseCacheSubject>;

/**
 * The behaviour every `ResponseCacheStore` must show, as one vitest suite. Each test opens a store
 * of its own and closes it at the end.
 */
export function describeResponseCacheContract(name: string, open: OpenResponseCache): void {
  describe(`ResponseCacheStore contract: ${name}`, () => {
    const opened: ResponseCacheStore[] = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });
    async function openStore(): Promise<ResponseCacheSubject> {
      const subject = await open();
      opened.push(subject.store);
      return subject;
    }
    const key = (label: string): string => `1:chat:${label}-${randomUUID()}`;

    it('misses a key it never stored', async () => {
      const { store } = await openStore();
      expect(await store.get(key('missing'))).toBeUndefined();
    });

    it('returns what was stored, byte for byte', async () => {
      const { store } = await openStore();
      const values = ['{"id":"chatcmpl-1","choices":[]}', '', 'héllo 世界 🙂 \u0000 \n "quoted"', 'x'.repeat(1_000_000)];
      const keys = values.map((_, index) => key(`value-${index}`));
      for (const [index, value] of values.entries()) await store.set(keys[index] ?? '', value, 60);
      for (const [index, value] of values.entries()) expect(await store.get(keys[index] ?? '')).toBe(value);
    });

    it('replaces the value of a key stored again and keeps keys apart', async () => {
      const { store } = await openStore();
      const first = key('first');
      const second = key('second');
      await store.set(first, 'one', 60);
      await store.set(second, 'two', 60);
      await store.set(first, 'uno', 60);
      expect(await store.get(first)).toBe('uno');
      expect(await store.get(second)).toBe('two');
    });

    it('keeps keys that differ only in case or by a prefix apart', async () => {
      const { store } = await openStore();
      const stem = key('Stem');
      await store.set(stem, 'stem', 60);
      await store.set(stem.toLowerCase(), 'lower', 60);
      await store.set(`${stem}:more`, 'longer', 60);
      expect(await store.get(stem)).toBe('stem');
      expect(await store.get(stem.toLowerCase())).toBe('lower');
      expect(await store.get(`${stem}:more`)).toBe('longer');
    });

    it('stores nothing for a time to live of zero or less', async () => {
      const { store } = await openStore();
      const zero = key('zero');
      const negative = key('negative');
      await store.set(zero, 'value', 0);
      await store.set(negative, 'value', -5);
      expect(await store.get(zero)).toBeUndefined();
      expect(await store.get(negative)).toBeUndefined();
    });

    it('forgets an entry once its time to live has passed', async () => {
      const { store, advanceTime } = await openStore();
      const short = key('short');
      const long = key('long');
      await store.set(long, 'long', 600);
      await store.set(short, 'short', 1);
      if (advanceTime === undefined) {
        // A real clock: wait (polling) for the one-second entry to go; the ten-minute one stays.
        await pollUntil('the one-second entry to expire', async () => ((await store.get(short)) === undefined ? true : undefined), { timeoutMs: 10_000, intervalMs: 50 });
      } else {
        expect(await store.get(short)).toBe('short');
        advanceTime(999);
        expect(await store.get(short)).toBe('short');
        advanceTime(1);
        expect(await store.get(short)).toBeUndefined();
      }
      expect(await store.get(long)).toBe('long');
    });

    it('starts the time to live again when a key is stored again', async () => {
      const { store, advanceTime } = await openStore();
      const renewed = key('renewed');
      await store.set(renewed, 'old', 1);
      await store.set(renewed, 'new', 600);
      if (advanceTime === undefined) {
        const other = key('marker');
        await store.set(other, 'marker', 1);
        await pollUntil('a one-second marker entry to expire', async () => ((await store.get(other)) === undefined ? true : undefined), { timeoutMs: 10_000, intervalMs: 50 });
      } else {
        advanceTime(5_000);
      }
      expect(await store.get(renewed)).toBe('new');
    });

    it('answers concurrent reads and writes consistently', async () => {
      const { store } = await openStore();
      const keys = Array.from({ length: 100 }, (_, index) => key(`concurrent-${index}`));
      await Promise.all(keys.map((name, index) => store.set(name, `value-${index}`, 60)));
      const values = await Promise.all(keys.map((name) => store.get(name)));
      expect(values).toEqual(keys.map((_, index) => `value-${index}`));
    });

    it('closes without error, and a second close is harmless', async () => {
      const { store } = await openStore();
      await store.set(key('before-close'), 'value', 60);
      await store.close();
      await store.close();
    });
  });
}
