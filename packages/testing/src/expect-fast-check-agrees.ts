import fc from 'fast-check';
import { expect } from 'vitest';
import type { z } from 'zod';

/**
 * Holds a hand-written fast check to its zod schema over generated values (each first sent
 * through JSON, as a request body would be): every value the check accepts, the schema accepts and
 * parses to an equal value. Also asserts that the values reached both sides often enough for the
 * property to say something.
 */
export function expectFastCheckAgrees(fast: (value: unknown) => boolean, schema: z.ZodType, values: fc.Arbitrary<unknown>, options: { numRuns: number; minAccepted: number; minRejected: number }): void {
  let accepted = 0;
  let rejected = 0;
  fc.assert(
    fc.property(values, (generated) => {
      const value: unknown = JSON.parse(JSON.stringify(generated));
      const parsed = schema.safeParse(value);
      if (fast(value)) {
        accepted += 1;
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(value);
      } else if (!parsed.success) rejected += 1;
    }),
    { numRuns: options.numRuns },
  );
  expect(accepted).toBeGreaterThanOrEqual(options.minAccepted);
  expect(rejected).toBeGreaterThanOrEqual(options.minRejected);
}
