import { describe } from 'vitest';
import { describeConcurrencyContract } from './concurrency-contract.ts';
import type { OpenLimitStore } from './limit-store-harness.ts';
import { describeReserveContract } from './reserve-contract.ts';
import { describeSettleContract } from './settle-contract.ts';
import { describeWindowContract } from './window-contract.ts';

export { isWindowStart, seededRandom, type LimitStoreUnderTest, type OpenLimitStore } from './limit-store-harness.ts';

/**
 * The behaviour every `LimitStore` must show. `open` gets a namespace unique to the test and must
 * return a store whose counters no other test sees; each test closes its store. Tests that set the
 * clock skip (with the reason) for stores that read their own clock.
 */
export function describeLimitStoreContract(name: string, open: OpenLimitStore): void {
  describe(`LimitStore contract: ${name}`, () => {
    describeReserveContract(open);
    describeSettleContract(open);
    describeWindowContract(open);
    describeConcurrencyContract(open);
  });
}
