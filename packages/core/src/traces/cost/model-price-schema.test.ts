import { describe, expect, it } from 'vitest';
import { modelPriceSchema } from './model-price-schema.ts';

describe('modelPriceSchema', () => {
  it('accepts a price with an optional cached input price', () => {
    expect(modelPriceSchema.parse({ pattern: '^my-model$', input: 1, output: 2 })).toEqual({ pattern: '^my-model$', input: 1, output: 2 });
    expect(modelPriceSchema.safeParse({ pattern: 'm', input: 0, output: 0, cachedInput: 0.5 }).success).toBe(true);
  });

  it('refuses patterns that do not compile or backtrack exponentially, and prices that are not finite and non-negative', () => {
    for (const bad of [
      { pattern: '(', input: 1, output: 1 },
      { pattern: '(a+)+$', input: 1, output: 1 },
      { pattern: '', input: 1, output: 1 },
      { pattern: 'm', input: -1, output: 1 },
      { pattern: 'm', input: 1, output: Number.POSITIVE_INFINITY },
      { pattern: 'm', input: Number.NaN, output: 1 },
      { pattern: 'm', input: 1, output: 1, cachedInput: -0.1 },
    ]) {
      expect(modelPriceSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
