import { z } from 'zod';
import { piiDetectors, type TraceSettings } from '@keel/spec';
import { customPiiPatternProblem } from './validate-custom-pii-pattern.ts';

export const customPiiPatternsMax = 20;

const customPiiSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9 _-]{1,40}$/, 'a custom PII name is 1 to 40 letters, digits, spaces, underscores or dashes')
    // The name becomes the replacement token; one without a letter or digit would give an empty token.
    .regex(/[A-Za-z0-9]/, 'a custom PII name needs at least one letter or digit'),
  pattern: z.string().superRefine((pattern, context) => {
    const problem = customPiiPatternProblem(pattern);
    if (problem !== null) context.addIssue({ code: 'custom', message: problem });
  }),
});

/** Per-project PII settings as the server accepts them. */
export const piiSettingsSchema = z.object({
  detectors: z
    .array(z.enum(piiDetectors))
    .refine((detectors) => new Set(detectors).size === detectors.length, 'a detector is listed more than once'),
  custom: z.array(customPiiSchema).max(customPiiPatternsMax, `at most ${customPiiPatternsMax} custom PII patterns`),
}) satisfies z.ZodType<TraceSettings['pii']>;
