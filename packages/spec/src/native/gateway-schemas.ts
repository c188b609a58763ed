import { z } from 'zod';
import { gatewayConfigSchema, limitPolicySchema, virtualKeyConfigSchema } from '../gateway/gateway-config.ts';

/** Wire schemas of the gateway's configuration, virtual keys and usage (`/api/v1/gateway/...`). */

/** `PUT /api/v1/gateway/config?expected_version=3` (or `If-Match: "3"`): refuse the write unless the stored version is that one. */
export const putGatewayConfigQuerySchema = z.object({
  expected_version: z.string().regex(/^\d{1,15}$/, 'a whole number').transform(Number).optional(),
});

export const gatewayConfigAnswerSchema = z.object({
  /** `file`: managed by keel.config.yaml (read-only here); `database`: written through the API; `none`: not configured. */
  source: z.enum(['file', 'database', 'none']),
  /** The database version (the one to send as expected_version); 0 when none is stored. */
  version: z.number().int(),
  /** The config file, for a file-managed project. */
  file: z.string().optional(),
  /** Credentials and key secrets read `{ "redacted": true }`; environment references are shown. */
  config: gatewayConfigSchema,
});
export type GatewayConfigAnswer = z.infer<typeof gatewayConfigAnswerSchema>;

export const createGatewayKeySchema = virtualKeyConfigSchema.omit({ secret: true });
export type CreateGatewayKeyBody = z.input<typeof createGatewayKeySchema>;

export const gatewayKeySchema = z.object({
  name: z.string(),
  /** `api`: issued through the API (secret stored hashed); `file`: declared with its secret in the config file. */
  source: z.enum(['api', 'file']),
  /** The first characters of the secret, to recognise it; null for keys from the file. */
  prefix: z.string().nullable(),
  created_at: z.number().nullable(),
  revoked_at: z.number().nullable(),
  models: z.array(z.string()).optional(),
  limits: limitPolicySchema.optional(),
});
export type WireGatewayKey = z.infer<typeof gatewayKeySchema>;
export const gatewayKeyListSchema = z.object({ keys: z.array(gatewayKeySchema) });
export const createdGatewayKeySchema = z.object({ key: gatewayKeySchema, /** Shown once. */ secret: z.string() });
export const revokedGatewayKeySchema = z.object({ revoked: z.string() });

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a UTC day as YYYY-MM-DD').refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text), 'not a calendar day');
export const gatewayUsageGroups = ['day', 'key', 'model'] as const;
export type GatewayUsageGroup = (typeof gatewayUsageGroups)[number];

export const gatewayUsageQuerySchema = z
  .object({
    /** First and last UTC day, inclusive; the last 30 days up to today where missing. */
    from: day.optional(),
    to: day.optional(),
    /** Comma-separated dimensions to group by; rows are summed over the others. */
    group_by: z
      .string()
      .max(64)
      .transform((text, context) => {
        const parts = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
        for (const part of parts) {
          if (!(gatewayUsageGroups as readonly string[]).includes(part)) {
            context.addIssue({ code: 'custom', message: `group_by takes day, key and model, not '${part}'` });
            return z.NEVER;
          }
        }
        return [...new Set(parts)] as GatewayUsageGroup[];
      })
      .optional(),
    key: z.string().max(128).optional(),
    model: z.string().max(256).optional(),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, { message: 'from must not be after to', path: ['from'] });

const usageFigures = {
  requests: z.number(),
  errors: z.number(),
  cache_hits: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  /** Requests whose tokens were counted with a tokenizer because the upstream reported none. */
  estimated_requests: z.number(),
  cost_usd: z.number(),
};
export const gatewayUsageAnswerSchema = z.object({
  from: z.string(),
  to: z.string(),
  group_by: z.array(z.enum(gatewayUsageGroups)),
  rows: z.array(z.object({ day: z.string().optional(), key: z.string().optional(), model: z.string().optional(), ...usageFigures })),
  totals: z.object(usageFigures),
});
export type GatewayUsageAnswer = z.infer<typeof gatewayUsageAnswerSchema>;
