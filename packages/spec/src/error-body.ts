import { z } from 'zod';
import { errorCodes } from './error-codes.ts';

/** The one JSON shape of every error answer, native and MLflow routes alike. */
export const errorBodySchema = z.object({
  error_code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const errorCodeSchema = z.enum(errorCodes as [string, ...string[]]);
