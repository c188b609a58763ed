import { z } from 'zod';
import prices from './model-prices.json' with { type: 'json' };
import { modelPriceSchema } from './model-price-schema.ts';

export const shippedModelPriceSchema = modelPriceSchema.extend({ provider: z.string().min(1) });
export type ShippedModelPrice = z.infer<typeof shippedModelPriceSchema>;

/**
 * List prices of common hosted models, first match wins (so a more specific pattern comes before one it
 * overlaps: gpt-4o-mini before gpt-4o). Validated at load: a bad edit to the JSON fails at start, not per span.
 */
export const shippedModelPrices: readonly ShippedModelPrice[] = z.array(shippedModelPriceSchema).parse(prices);
