import { onTestFinished } from 'vitest';
import { type LimitStoreUnderTest, type OpenLimitStore, uniqueNamespace } from './limit-store-harness.ts';

/** A store of the current test's own, closed when the test finishes. */
export async function openForTest(open: OpenLimitStore): Promise<LimitStoreUnderTest> {
  const underTest = await open(uniqueNamespace());
  onTestFinished(() => underTest.store.close());
  return underTest;
}
