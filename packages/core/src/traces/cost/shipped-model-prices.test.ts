import { describe, expect, it } from 'vitest';
import { createCostCalculator } from './create-cost-calculator.ts';
import { shippedModelPrices } from './shipped-model-prices.ts';

// A name each shipped entry must price, so that every entry is reachable: one shadowed by an earlier,
// broader pattern would price its example at the other entry's rates.
const examples = [
  'gpt-4o-mini', 'openai/gpt-4o-mini-2024-07-18', 'gpt-4o-2024-05-13', 'chatgpt-4o-latest', 'gpt-4o', 'gpt-4o-2024-11-20',
  'gpt-4.1-nano', 'gpt-4.1-mini-2025-04-14', 'gpt-4.1', 'gpt-4.5-preview', 'gpt-4-turbo-2024-04-09', 'gpt-4-0125-preview', 'gpt-4-32k',
  'gpt-4-0613', 'gpt-5-nano', 'gpt-5-mini-2025-08-07', 'gpt-5', 'gpt-5-chat-latest', 'gpt-5.1', 'gpt-3.5-turbo-instruct', 'gpt-3.5-turbo-1106',
  'gpt-3.5-turbo-0125', 'o1-pro', 'o1-mini-2024-09-12', 'o1', 'o1-preview', 'o3-pro', 'o3-mini', 'o3-2025-04-16', 'o4-mini-2025-04-16',
  'text-embedding-3-small', 'text-embedding-3-large', 'azure/text-embedding-ada-002',
  'claude-opus-4-5-20251101', 'claude-opus-4-1-20250805', 'claude-opus-4-20250514', 'claude-3-opus-latest', 'claude-sonnet-4-5', 'claude-sonnet-4-20250514',
  'us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-sonnet-20240229', 'claude-haiku-4-5-20251001', 'claude-3-5-haiku-latest',
  'claude-3-haiku-20240307', 'claude-3-5-sonnet-v2@20241022',
  'gemini-2.5-flash-lite', 'gemini-2.5-flash-preview-05-20', 'gemini/gemini-2.5-pro', 'gemini-2.0-flash-lite-001', 'gemini-2.0-flash', 'gemini-1.5-flash-8b',
  'gemini-1.5-flash-002', 'gemini-1.5-pro-latest',
  'mistral-large-latest', 'mistral-medium-2505', 'mistral/mistral-small-latest', 'codestral-2501', 'pixtral-large-latest', 'open-mistral-nemo', 'ministral-8b-latest',
  'ministral-3b-latest', 'mistral-embed', 'deepseek-chat', 'grok-4', 'grok-3-mini', 'xai/grok-3', 'command-a-03-2025', 'command-r-plus', 'command-r-08-2024',
];

describe('shipped model prices', () => {
  it('are valid regular expressions with sane prices', () => {
    for (const price of shippedModelPrices) {
      expect(() => new RegExp(price.pattern, 'i')).not.toThrow();
      expect(price.pattern.startsWith('^') && price.pattern.endsWith('$'), price.pattern).toBe(true);
      expect(price.output).toBeLessThan(1000);
      if (price.cachedInput !== undefined) expect(price.cachedInput).toBeLessThanOrEqual(price.input);
    }
  });

  it('has no entry shadowed by an earlier one: each is the first match for its example', () => {
    const compiled = shippedModelPrices.map((price) => new RegExp(price.pattern, 'i'));
    const reached = new Set<number>();
    for (const name of examples) {
      const first = compiled.findIndex((pattern) => pattern.test(name));
      expect(first, name).toBeGreaterThanOrEqual(0);
      reached.add(first);
    }
    const unreached = shippedModelPrices.filter((_, index) => !reached.has(index)).map((price) => price.pattern);
    expect(unreached).toEqual([]);
  });

  it('prices the more specific model, not the family', () => {
    const cost = createCostCalculator([]);
    const million = { inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: null };
    expect(cost('gpt-4o-mini', million)).toBeCloseTo(0.15, 9);
    expect(cost('gpt-4.1-nano', million)).toBeCloseTo(0.1, 9);
    expect(cost('o3-mini', million)).toBeCloseTo(1.1, 9);
    expect(cost('claude-opus-4-5', million)).toBeCloseTo(5, 9);
    expect(cost('claude-opus-4-1', million)).toBeCloseTo(15, 9);
    expect(cost('gemini-2.5-flash-lite', million)).toBeCloseTo(0.1, 9);
  });
});
