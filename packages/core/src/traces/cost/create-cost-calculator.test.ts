import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '@keel/spec';
import { createCostCalculator } from './create-cost-calculator.ts';

const usage = (inputTokens: number | null, outputTokens: number | null, cachedInputTokens: number | null = null) => ({ inputTokens, outputTokens, cachedInputTokens });

describe('createCostCalculator', () => {
  const cost = createCostCalculator([]);

  it('prices gpt-4o with cached input tokens counted inside the input tokens', () => {
    // 800 uncached at $2.50, 200 cached at $1.25, 500 out at $10 per million.
    expect(cost('gpt-4o', usage(1000, 500, 200))).toBeCloseTo((800 * 2.5 + 200 * 1.25 + 500 * 10) / 1e6, 12);
  });

  it('matches dated, provider-prefixed and differently cased names', () => {
    const million = usage(1_000_000, 1_000_000);
    expect(cost('gpt-4o-2024-08-06', million)).toBeCloseTo(12.5, 9);
    expect(cost('openai/gpt-4o', million)).toBeCloseTo(12.5, 9);
    expect(cost('GPT-4o-Mini-2024-07-18', million)).toBeCloseTo(0.75, 9);
    expect(cost('anthropic/claude-3-5-sonnet-20241022', million)).toBeCloseTo(18, 9);
    expect(cost('claude-3-5-sonnet-latest', million)).toBeCloseTo(18, 9);
    expect(cost('anthropic.claude-3-5-sonnet-20241022-v2:0', million)).toBeCloseTo(18, 9);
    expect(cost('models/gemini-2.5-flash', million)).toBeCloseTo(2.8, 9);
  });

  it('prices the dated gpt-4o snapshot that kept its launch price', () => {
    expect(cost('gpt-4o-2024-05-13', usage(1_000_000, 0))).toBeCloseTo(5, 9);
  });

  it('lets a project override beat the shipped table, anchored to the whole name', () => {
    const custom = createCostCalculator([{ pattern: 'gpt-4o', input: 1, output: 2 }, { pattern: '^my-model$', input: 3, output: 4, cachedInput: 0 }]);
    expect(custom('gpt-4o', usage(1_000_000, 1_000_000))).toBeCloseTo(3, 9);
    expect(custom('gpt-4o-mini', usage(1_000_000, 1_000_000))).toBeCloseTo(0.75, 9);
    expect(custom('MY-MODEL', usage(1_000_000, 0, 1_000_000))).toBe(0);
  });

  it('returns null for an unknown model or when no tokens were counted', () => {
    expect(cost('my-finetune-7b', usage(100, 100))).toBeNull();
    expect(cost('gpt-4o', usage(null, null, null))).toBeNull();
    expect(cost('x'.repeat(300), usage(1, 1))).toBeNull();
  });

  it('treats a missing count as zero and never goes negative', () => {
    expect(cost('gpt-4o', usage(null, 1_000_000))).toBeCloseTo(10, 9);
    expect(cost('gpt-4o', usage(100, 0, 500))).toBeCloseTo((500 * 1.25) / 1e6, 12);
    expect(cost('gpt-4o', usage(-5, Number.NaN))).toBe(0);
  });

  it('keeps answering correctly past the memo bound', () => {
    for (let index = 0; index < 3000; index += 1) expect(cost(`unknown-${index}`, usage(1, 1))).toBeNull();
    expect(cost('gpt-4o', usage(1_000_000, 0))).toBeCloseTo(2.5, 9);
  });

  it('refuses an invalid override', () => {
    try {
      createCostCalculator([{ pattern: '(a+)+', input: 1, output: 1 }]);
      expect.unreachable();
    } catch (error) {
      expect(hasErrorCode(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    }
  });
});
