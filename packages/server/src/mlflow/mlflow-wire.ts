import { KeelError } from '@keel/spec';
import { z } from 'zod';

/** proto3 JSON as MLflow clients send it: int64 as number or string, doubles with "NaN"/"Infinity". */
export const int64 = z
  .union([z.number(), z.string().regex(/^-?\d+$/, 'expected an integer').transform(Number)])
  .refine((value) => Number.isSafeInteger(value), 'expected an integer');

const specialDoubles: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** A double sent as text (`"NaN"`, `"Infinity"`, `"-Infinity"` or a number); undefined when it is none. */
export function doubleFromText(text: string): number | undefined {
  const special = specialDoubles[text];
  if (special !== undefined) return special;
  const parsed = Number(text);
  return text.trim() === '' || Number.isNaN(parsed) ? undefined : parsed;
}

export const double = z.union([
  z.number(),
  z.string().transform((text, context) => {
    const parsed = doubleFromText(text);
    if (parsed === undefined) {
      context.addIssue({ code: 'custom', message: `'${text}' is not a number` });
      return z.NEVER;
    }
    return parsed;
  }),
]);

/** A double as proto3 JSON writes it. */
export function jsonDouble(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

export const keyValue = z.object({ key: z.string(), value: z.string() });
export const tagList = z.array(keyValue).optional();

/** A repeated field in a query string: one value arrives as a string, several as an array. */
export const repeated = <T extends z.ZodType>(item: T) => z.preprocess((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]), z.array(item));

export const viewType = z
  .union([z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']), z.union([z.literal(1), z.literal(2), z.literal(3), z.enum(['1', '2', '3'])]).transform((value) => (['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const)[Number(value) - 1] ?? 'ACTIVE_ONLY')])
  .optional();

/** `run_id`, or the deprecated `run_uuid`, whichever a client sent. */
export const runIdentity = {
  run_id: z.string().optional(),
  run_uuid: z.string().optional(),
};

export function pickRunId(body: { run_id?: string | undefined; run_uuid?: string | undefined }): string {
  const runId = body.run_id !== undefined && body.run_id !== '' ? body.run_id : body.run_uuid;
  if (runId === undefined || runId === '') throw new KeelError('INVALID_PARAMETER_VALUE', 'run_id is required');
  return runId;
}
