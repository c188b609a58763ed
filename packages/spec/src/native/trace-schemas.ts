import { z } from 'zod';
import { aggregateGroups, type CostTotalGroup, costTotalGroups, piiDetectors, scoreDataTypes, scoreSources, spanStatuses } from '../domain/traces.ts';

/** A time on the query string: milliseconds since the epoch, or an ISO 8601 date-time. */
export const queryTimeMs = z.string().transform((text, context) => {
  const trimmed = text.trim();
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed);
  if (!Number.isFinite(value) || value < 0 || value > 8.64e15) {
    context.addIssue({ code: 'custom', message: `'${text}' is not a time: give milliseconds since the epoch or an ISO 8601 date-time` });
    return z.NEVER;
  }
  return value;
});

const queryNumber = z.coerce.number().finite().nonnegative();
const hexId = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`), `must be ${length} lowercase hex characters`);
export const traceIdSchema = hexId(32);
export const spanIdSchema = hexId(16);

/** Every trace query names its window: unbounded scans are what made other tools slow. */
const windowQuery = z.object({ from: queryTimeMs, to: queryTimeMs });
const refineWindow = <T extends { from: number; to: number }>(value: T, context: z.RefinementCtx) => {
  if (value.to <= value.from) context.addIssue({ code: 'custom', path: ['to'], message: "'to' must be after 'from'" });
};

export const listTracesQuerySchema = windowQuery
  .extend({
    name: z.string().optional(),
    userId: z.string().optional(),
    sessionId: z.string().optional(),
    model: z.string().optional(),
    status: z.enum(spanStatuses).optional(),
    tag: z.string().optional(),
    minLatencyMs: queryNumber.optional(),
    minCost: queryNumber.optional(),
    text: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    pageToken: z.string().optional(),
  })
  .superRefine(refineWindow);

export const listSessionsQuerySchema = windowQuery
  .extend({ userId: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(50), pageToken: z.string().optional() })
  .superRefine(refineWindow);

export const sessionTracesQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), pageToken: z.string().optional() });

export const aggregateQuerySchema = windowQuery
  .extend({ groupBy: z.enum(aggregateGroups), model: z.string().optional(), promptName: z.string().optional(), serviceName: z.string().min(1).max(256).optional() })
  .superRefine(refineWindow);

/** `groupBy=model,day` or `groupBy=model&groupBy=day`: one or two dimensions. */
const groupList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((item) => item.split(',')).map((item) => item.trim()))
  .pipe(z.array(z.enum(costTotalGroups)).min(1).max(2))
  .refine((groups) => new Set(groups).size === groups.length, 'each dimension once')
  .transform((groups) => groups as [CostTotalGroup] | [CostTotalGroup, CostTotalGroup]);

export const costTotalsQuerySchema = windowQuery
  .extend({ groupBy: groupList, model: z.string().optional(), promptName: z.string().optional() })
  .superRefine(refineWindow);

export const createScoreSchema = z
  .object({
    name: z.string().min(1).max(200),
    dataType: z.enum(scoreDataTypes),
    value: z.union([z.number().finite(), z.boolean(), z.string().min(1).max(500)]),
    spanId: spanIdSchema.optional(),
    source: z.enum(scoreSources).default('api'),
    comment: z.string().max(10_000).default(''),
  })
  .superRefine((score, context) => {
    const expected = score.dataType === 'numeric' ? 'number' : score.dataType === 'boolean' ? 'boolean' : 'string';
    if (typeof score.value !== expected) context.addIssue({ code: 'custom', path: ['value'], message: `a ${score.dataType} score takes a ${expected} value` });
  });
export type CreateScoreBody = z.infer<typeof createScoreSchema>;

const customPiiSchema = z.object({ name: z.string().regex(/^[A-Za-z0-9 _-]{1,40}$/), pattern: z.string().min(1).max(500) });
export const traceSettingsSchema = z.object({
  retentionDays: z.number().int().min(1).max(36_500).nullable(),
  pii: z.object({ detectors: z.array(z.enum(piiDetectors)).max(piiDetectors.length), custom: z.array(customPiiSchema).max(20) }),
  prices: z.array(z.object({ pattern: z.string().min(1).max(500), input: z.number().finite().nonnegative(), output: z.number().finite().nonnegative(), cachedInput: z.number().finite().nonnegative().optional() })).max(500),
});

/** Answers of the trace API, shared by the server's OpenAPI document and the SDK. */
const jsonValue: z.ZodType<unknown> = z.unknown();
export const wireTraceSummarySchema = z.object({
  traceId: z.string(),
  name: z.string(),
  startUs: z.number(),
  endUs: z.number(),
  startTime: z.string(),
  latencyMs: z.number(),
  status: z.enum(spanStatuses),
  userId: z.string().nullable(),
  sessionId: z.string().nullable(),
  tags: z.array(z.string()),
  models: z.array(z.string()),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cost: z.number(),
  spanCount: z.number(),
  input: jsonValue,
  output: jsonValue,
});
export type WireTraceSummary = z.infer<typeof wireTraceSummarySchema>;
export const traceSummaryPageSchema = z.object({ items: z.array(wireTraceSummarySchema), nextPageToken: z.string().optional() });

export const wireSpanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  name: z.string(),
  kind: z.string(),
  startUs: z.number(),
  endUs: z.number(),
  startTime: z.string(),
  latencyMs: z.number(),
  status: z.enum(spanStatuses),
  statusMessage: z.string(),
  serviceName: z.string().nullable(),
  provider: z.string().nullable(),
  requestModel: z.string().nullable(),
  responseModel: z.string().nullable(),
  model: z.string().nullable(),
  input: jsonValue,
  output: jsonValue,
  inputTokens: z.number().nullable(),
  outputTokens: z.number().nullable(),
  cachedInputTokens: z.number().nullable(),
  cost: z.number().nullable(),
  costSource: z.enum(['provided', 'computed']).nullable(),
  timeToFirstTokenMs: z.number().nullable(),
  sessionId: z.string().nullable(),
  userId: z.string().nullable(),
  tags: z.array(z.string()),
  promptName: z.string().nullable(),
  promptVersion: z.number().nullable(),
  gatewayKey: z.string().nullable(),
  mapperVersion: z.number(),
  raw: z.record(z.string(), jsonValue),
});
export type WireSpan = z.infer<typeof wireSpanSchema>;

export interface WireSpanNode {
  span: WireSpan;
  offsetMs: number;
  depth: number;
  children: WireSpanNode[];
}
export const wireSpanNodeSchema: z.ZodType<WireSpanNode> = z.lazy(() => z.object({ span: wireSpanSchema, offsetMs: z.number(), depth: z.number(), children: z.array(wireSpanNodeSchema) }));

export const scoreSchema = z.object({
  id: z.string(),
  traceId: z.string(),
  spanId: z.string().nullable(),
  name: z.string(),
  dataType: z.enum(scoreDataTypes),
  value: z.number().nullable(),
  label: z.string().nullable(),
  source: z.enum(scoreSources),
  comment: z.string(),
  author: z.string(),
  createdAt: z.number(),
});

export const traceDetailSchema = z.object({ trace: wireTraceSummarySchema, spans: z.array(wireSpanNodeSchema), scores: z.array(scoreSchema) });
export type WireTraceDetail = z.infer<typeof traceDetailSchema>;

export const sessionSummarySchema = z.object({
  sessionId: z.string(),
  traceCount: z.number(),
  firstUs: z.number(),
  lastUs: z.number(),
  userIds: z.array(z.string()),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cost: z.number(),
});
export const sessionPageSchema = z.object({ items: z.array(sessionSummarySchema), nextPageToken: z.string().optional() });

export const aggregateRowSchema = z.object({
  group: z.string(),
  count: z.number(),
  traceCount: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cost: z.number(),
  latencyP50Ms: z.number(),
  latencyP95Ms: z.number(),
  latencyP99Ms: z.number(),
});
export const aggregateAnswerSchema = z.object({ groupBy: z.enum(aggregateGroups), rows: z.array(aggregateRowSchema) });

export const costTotalsRowSchema = z.object({ groups: z.array(z.string()), count: z.number(), inputTokens: z.number(), outputTokens: z.number(), cost: z.number() });
export const costTotalsAnswerSchema = z.object({ groupBy: z.array(z.enum(costTotalGroups)), rows: z.array(costTotalsRowSchema) });
