import { z } from 'zod';
import type { ModelPrice } from '@keel/spec';
import { regexSafetyProblem } from '../pii/index.ts';

// zod 4 numbers refuse NaN and the infinities already.
const usdPerMillion = z.number().nonnegative();

/** A price for the models whose names match `pattern`, in USD per million tokens; the server validates project overrides with it. */
export const modelPriceSchema = z.object({
  pattern: z
    .string()
    .min(1)
    .max(500)
    .superRefine((pattern, context) => {
      // Patterns run against every model name ingest sees, so one that backtracks exponentially stalls ingest.
      const problem = regexSafetyProblem(pattern);
      if (problem !== null) context.addIssue({ code: 'custom', message: problem });
    }),
  input: usdPerMillion,
  output: usdPerMillion,
  cachedInput: usdPerMillion.optional(),
}) satisfies z.ZodType<ModelPrice>;
