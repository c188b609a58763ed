import { invalid, type ModelPrice } from '@keel/spec';
import { modelPriceSchema } from './model-price-schema.ts';
import { shippedModelPrices } from './shipped-model-prices.ts';

export interface TokenUsage {
  inputTokens: number | null;
  outputTokens: number | null;
  /** Included in inputTokens, as in the OTel GenAI conventions. */
  cachedInputTokens: number | null;
}

/** USD for one call of `model`, or null when the model has no known price or no tokens were counted. */
export type CostCalculator = (model: string, usage: TokenUsage) => number | null;

interface CompiledPrice {
  pattern: RegExp;
  input: number;
  output: number;
  cachedInput: number;
}

// Distinct model names are few, but they come from clients, so the memo must not grow without bound.
const memoLimit = 1024;
// Longer names are not model names; refusing them keeps matching cheap whatever a client sends.
const modelNameMax = 256;

function compile(price: ModelPrice): CompiledPrice {
  // Anchoring again makes an unanchored override mean the whole name, as the contract says.
  return { pattern: new RegExp(`^(?:${price.pattern})$`, 'i'), input: price.input, output: price.output, cachedInput: price.cachedInput ?? price.input };
}

function tokens(count: number | null): number {
  return count !== null && Number.isFinite(count) && count > 0 ? count : 0;
}

/**
 * Prices calls from token counts: the project's `overrides` first, then the shipped table.
 * Throws INVALID_PARAMETER_VALUE for an override that fails `modelPriceSchema`.
 */
export function createCostCalculator(overrides: readonly ModelPrice[]): CostCalculator {
  const table: CompiledPrice[] = [];
  overrides.forEach((override, index) => {
    const parsed = modelPriceSchema.safeParse(override);
    if (!parsed.success) throw invalid(`price override ${index} is invalid: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
    table.push(compile(parsed.data));
  });
  for (const price of shippedModelPrices) table.push(compile(price));

  const memo = new Map<string, CompiledPrice | null>();
  function priceOf(model: string): CompiledPrice | null {
    const known = memo.get(model);
    if (known !== undefined) return known;
    const price = model.length > modelNameMax ? null : (table.find((entry) => entry.pattern.test(model)) ?? null);
    if (memo.size >= memoLimit) {
      const oldest = memo.keys().next();
      if (oldest.done !== true) memo.delete(oldest.value);
    }
    memo.set(model, price);
    return price;
  }

  return (model, usage) => {
    if (usage.inputTokens === null && usage.outputTokens === null && usage.cachedInputTokens === null) return null;
    const price = priceOf(model.trim());
    if (price === null) return null;
    const input = Math.max(tokens(usage.inputTokens), tokens(usage.cachedInputTokens));
    const cached = tokens(usage.cachedInputTokens);
    const output = tokens(usage.outputTokens);
    return ((input - cached) * price.input + cached * price.cachedInput + output * price.output) / 1_000_000;
  };
}
