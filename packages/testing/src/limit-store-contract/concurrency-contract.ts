import { describe, expect, it } from 'vitest';
import type { ReserveResult } from '@keel/spec';
import { type OpenLimitStore, inOneWindow, seededRandom } from './limit-store-harness.ts';
import { openForTest } from './open-for-test.ts';

export function describeConcurrencyContract(open: OpenLimitStore): void {
  describe('concurrent callers', () => {
    it('never passes a limit and counts exactly what it granted, with 500 reservations in flight', async () => {
      const { store } = await openForTest(open);
      await inOneWindow(store, 'minute', async (suffix) => {
        const random = seededRandom(20_240_229);
        const amounts = Array.from({ length: 500 }, () => 1 + Math.floor(random() * 20));
        const tokens = { key: `tpm${suffix}`, window: 'minute', limit: 2_000 } as const;
        const budget = { key: `usd${suffix}`, window: 'day', limit: 1_500 } as const;
        const results: ReserveResult[] = await Promise.all(amounts.map((amount) => store.reserve([{ ...tokens, amount }, { ...budget, amount }])));
        const granted = amounts.filter((_amount, index) => results[index]?.ok === true);
        const grantedSum = granted.reduce((sum, amount) => sum + amount, 0);
        expect(grantedSum).toBeLessThanOrEqual(budget.limit);
        // Far more was asked (about 5,000) than fits, so the budget must be nearly full: no
        // reservation was refused while it would still have fitted at the end.
        const smallestRefused = Math.min(...amounts.filter((_amount, index) => results[index]?.ok === false));
        expect(grantedSum + smallestRefused).toBeGreaterThan(budget.limit);
        expect(await store.read([tokens, budget])).toEqual([grantedSum, grantedSum]);
        for (const result of results) if (!result.ok) expect(result.key).toBe(budget.key);

        // Give half back concurrently; the totals follow exactly.
        const refunds = results.flatMap((result, index) => (result.ok && index % 2 === 0 ? result.reserved.map((counter) => ({ ...counter, delta: -counter.amount })) : []));
        await Promise.all(refunds.map((refund) => store.settle([refund])));
        const refunded = refunds.filter((refund) => refund.window === 'day').reduce((sum, refund) => sum - refund.delta, 0);
        expect(await store.read([tokens, budget])).toEqual([grantedSum - refunded, grantedSum - refunded]);
      });
    });
  });
}
