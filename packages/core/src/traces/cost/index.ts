export { createCostCalculator, type CostCalculator, type TokenUsage } from './create-cost-calculator.ts';
export { modelPriceSchema } from './model-price-schema.ts';
export { shippedModelPrices, shippedModelPriceSchema, type ShippedModelPrice } from './shipped-model-prices.ts';
