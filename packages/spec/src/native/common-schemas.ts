import { z } from 'zod';

/** Wire schemas of the native API (`/api/v1`), shared by the server and the SDK. */

export const keyValueSchema = z.object({ key: z.string(), value: z.string() });
export const tagsSchema = z.array(keyValueSchema).max(1000);

/** A metric value on the wire: a JSON number, or "NaN" / "Infinity" / "-Infinity". */
export const metricValueSchema = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
export type WireMetricValue = z.infer<typeof metricValueSchema>;

export function toWireValue(value: number): WireMetricValue {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

export function fromWireValue(value: WireMetricValue): number {
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return value;
}

export const wireMetricSchema = z.object({
  key: z.string(),
  value: metricValueSchema,
  timestamp: z.number().int().nonnegative(),
  step: z.number().int().default(0),
});
export type WireMetric = z.infer<typeof wireMetricSchema>;

export const viewTypeSchema = z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']);

/** Query strings carry numbers as text. */
export const queryInt = z.coerce.number().int();

export const pageQuerySchema = z.object({
  maxResults: queryInt.positive().optional(),
  pageToken: z.string().optional(),
});

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextPageToken: z.string().optional() });
