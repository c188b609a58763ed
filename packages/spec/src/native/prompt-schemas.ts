import { z } from 'zod';
import { pageOf, queryInt } from './common-schemas.ts';

/** Wire schemas of the prompt registry (`/api/v1/prompts`) and of the Langfuse-compatible read. */

export const promptMessageSchema = z.object({ role: z.string(), content: z.string() });
const promptConfigSchema = z.record(z.string(), z.unknown());

const createPromptFields = {
  name: z.string(),
  variables: z.array(z.string()).optional(),
  config: promptConfigSchema.optional(),
  labels: z.array(z.string()).optional(),
  commitMessage: z.string().optional(),
  authorName: z.string().optional(),
};
export const createPromptSchema = z.discriminatedUnion('type', [
  z.object({ ...createPromptFields, type: z.literal('text'), template: z.string() }),
  z.object({ ...createPromptFields, type: z.literal('chat'), messages: z.array(promptMessageSchema) }),
]);
export type CreatePromptBody = z.infer<typeof createPromptSchema>;

const promptVersionFields = {
  name: z.string(),
  version: z.number().int(),
  variables: z.array(z.string()),
  config: promptConfigSchema,
  labels: z.array(z.string()),
  commitMessage: z.string(),
  createdBy: z.string(),
  authorName: z.string(),
  createdAt: z.number(),
};
export const promptVersionSchema = z.discriminatedUnion('type', [
  z.object({ ...promptVersionFields, type: z.literal('text'), template: z.string() }),
  z.object({ ...promptVersionFields, type: z.literal('chat'), messages: z.array(promptMessageSchema) }),
]);
export const promptVersionPageSchema = pageOf(promptVersionSchema);

export const promptLabelSchema = z.object({ label: z.string(), version: z.number().int() });
export const promptSummarySchema = z.object({
  name: z.string(),
  type: z.enum(['text', 'chat']),
  latestVersion: z.number().int(),
  labels: z.array(promptLabelSchema),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export const promptSummaryPageSchema = pageOf(promptSummarySchema);

export const promptLabelEventSchema = z.object({
  id: z.number(),
  promptName: z.string(),
  label: z.string(),
  fromVersion: z.number().int().nullable(),
  toVersion: z.number().int().nullable(),
  actor: z.string(),
  at: z.number(),
});
export const promptLabelHistorySchema = z.object({ items: z.array(promptLabelEventSchema) });

/** A version number as JSON number or numeric string. */
const versionNumber = z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d{0,14}$/).transform(Number)]);
export const setPromptLabelSchema = z.object({ version: versionNumber });
export const setPromptLabelResultSchema = z.object({ name: z.string(), label: z.string(), version: z.number().int(), previousVersion: z.number().int().nullable() });
export const deletedPromptLabelSchema = z.object({ deleted: z.string() });

/** `label` or `version`, not both; neither means `latest`. */
export const getPromptQuerySchema = z.object({ label: z.string().optional(), version: queryInt.positive().optional() });
export const listPromptsQuerySchema = z.object({ maxResults: queryInt.min(1).max(1000).optional(), pageToken: z.string().optional() });
export const promptHistoryQuerySchema = z.object({ limit: queryInt.min(1).max(1000).optional(), label: z.string().optional() });
export const promptDiffQuerySchema = z.object({ from: queryInt.positive(), to: queryInt.positive() });
/** Milliseconds since the epoch, or an ISO 8601 time. */
export const promptUsageQuerySchema = z.object({ from: z.string(), to: z.string() });

export const promptDiffLineSchema = z.object({ op: z.enum(['equal', 'add', 'remove']), text: z.string() });
export const promptConfigChangeSchema = z.object({
  path: z.string(),
  change: z.enum(['added', 'removed', 'changed']),
  from: z.unknown().optional(),
  to: z.unknown().optional(),
});
export const promptDiffSchema = z.object({
  name: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  typeChanged: z.boolean(),
  /** The template text (chat: each message as a `[role]` line and its content lines). */
  lines: z.array(promptDiffLineSchema),
  variables: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
  config: z.array(promptConfigChangeSchema),
});

export const promptUsageRowSchema = z.object({
  version: z.number().int(),
  count: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cost: z.number(),
  latencyP50Ms: z.number(),
  latencyP95Ms: z.number(),
  scores: z.array(z.object({ name: z.string(), mean: z.number(), count: z.number() })),
});
export const promptUsageSchema = z.object({ name: z.string(), from: z.number(), to: z.number(), versions: z.array(promptUsageRowSchema) });

/** Query of Langfuse's `GET /api/public/v2/prompts/{name}`. */
export const langfusePromptQuerySchema = z.object({ label: z.string().optional(), version: queryInt.positive().optional(), resolve: z.string().optional() });
/** Langfuse's prompt JSON (`Prompt` in the Langfuse API): what its SDKs read. */
const langfusePromptFields = {
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  version: z.number().int(),
  config: z.unknown(),
  labels: z.array(z.string()),
  tags: z.array(z.string()),
  commitMessage: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
  isActive: z.null(),
  resolutionGraph: z.null(),
};
export const langfusePromptSchema = z.discriminatedUnion('type', [
  z.object({ ...langfusePromptFields, type: z.literal('text'), prompt: z.string() }),
  z.object({ ...langfusePromptFields, type: z.literal('chat'), prompt: z.array(z.object({ type: z.literal('chatmessage'), role: z.string(), content: z.string() })) }),
]);

export type WirePromptVersion = z.infer<typeof promptVersionSchema>;
export type WirePromptSummary = z.infer<typeof promptSummarySchema>;
export type WirePromptDiff = z.infer<typeof promptDiffSchema>;
export type WirePromptLabelEvent = z.infer<typeof promptLabelEventSchema>;
export type WirePromptUsage = z.infer<typeof promptUsageSchema>;
