import { z } from 'zod';
import { keyValueSchema, pageOf, queryInt, tagsSchema } from './common-schemas.ts';
import { experimentSchema, runSchema } from './tracking-schemas.ts';

export const modelVersionSchema = z.object({
  name: z.string(),
  version: z.string(),
  creationTimestamp: z.number(),
  lastUpdatedTimestamp: z.number(),
  userId: z.string(),
  currentStage: z.string(),
  description: z.string(),
  source: z.string(),
  runId: z.string(),
  modelId: z.string(),
  status: z.enum(['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY']),
  statusMessage: z.string(),
  runLink: z.string(),
  tags: z.array(keyValueSchema),
  aliases: z.array(z.string()),
});
export const registeredModelSchema = z.object({
  name: z.string(),
  creationTimestamp: z.number(),
  lastUpdatedTimestamp: z.number(),
  userId: z.string(),
  description: z.string(),
  latestVersions: z.array(modelVersionSchema),
  tags: z.array(keyValueSchema),
  aliases: z.array(z.object({ alias: z.string(), version: z.string() })),
});
export const registeredModelPageSchema = pageOf(registeredModelSchema);
export const modelVersionPageSchema = pageOf(modelVersionSchema);

export const createRegisteredModelSchema = z.object({ name: z.string().min(1), description: z.string().optional(), tags: tagsSchema.optional() });
export const updateRegisteredModelSchema = z.object({ name: z.string().min(1).optional(), description: z.string().optional() });
export const searchQuerySchema = z.object({
  filter: z.string().optional(),
  orderBy: z.union([z.string(), z.array(z.string())]).optional(),
  maxResults: queryInt.positive().optional(),
  pageToken: z.string().optional(),
});
/** Either a full source URI, or a run and the artifact path inside it. */
export const createModelVersionSchema = z
  .object({
    source: z.string().min(1).optional(),
    runId: z.string().min(1).optional(),
    artifactPath: z.string().optional(),
    modelId: z.string().optional(),
    description: z.string().optional(),
    tags: tagsSchema.optional(),
  })
  .refine((value) => value.source !== undefined || value.runId !== undefined, { message: 'give source, or runId (and artifactPath)' });
export const updateModelVersionSchema = z.object({ description: z.string() });
export const setAliasSchema = z.object({ version: z.union([z.string().regex(/^\d+$/), z.number().int().positive().transform(String)]) });
export const setTagSchema = z.object({ value: z.string() });
export const registryEventSchema = z.object({
  id: z.number(),
  modelName: z.string(),
  version: z.string().nullable(),
  alias: z.string().nullable(),
  action: z.string(),
  actor: z.string(),
  at: z.number(),
  details: z.record(z.string(), z.unknown()),
});
export const historyQuerySchema = z.object({ limit: queryInt.min(1).max(1000).optional(), action: z.string().optional() });
export const loggedModelSchema = z.object({
  modelId: z.string(),
  experimentId: z.string(),
  name: z.string(),
  sourceRunId: z.string(),
  status: z.enum(['LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED']),
  modelType: z.string(),
  artifactUri: z.string(),
  creationTimestamp: z.number(),
  lastUpdatedTimestamp: z.number(),
  creatorId: z.string(),
  tags: z.array(keyValueSchema),
  params: z.array(keyValueSchema),
});
export const lineageSchema = z.object({
  modelVersion: modelVersionSchema,
  run: runSchema.nullable(),
  experiment: experimentSchema.nullable(),
  loggedModel: loggedModelSchema.nullable(),
});

export type WireModelVersion = z.infer<typeof modelVersionSchema>;
export type WireRegisteredModel = z.infer<typeof registeredModelSchema>;
