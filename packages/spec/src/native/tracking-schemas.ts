import { runStatuses } from '../domain/tracking.ts';
import { z } from 'zod';
import { keyValueSchema, pageOf, queryInt, tagsSchema, viewTypeSchema, wireMetricSchema } from './common-schemas.ts';

export const experimentSchema = z.object({
  experimentId: z.string(),
  name: z.string(),
  artifactLocation: z.string(),
  lifecycleStage: z.enum(['active', 'deleted']),
  creationTime: z.number(),
  lastUpdateTime: z.number(),
  tags: z.array(keyValueSchema),
});

export const createExperimentSchema = z.object({ name: z.string().min(1), artifactLocation: z.string().optional(), tags: tagsSchema.optional() });
export const updateExperimentSchema = z.object({ name: z.string().min(1) });
export const searchExperimentsQuerySchema = z.object({
  filter: z.string().optional(),
  orderBy: z.union([z.string(), z.array(z.string())]).optional(),
  viewType: viewTypeSchema.optional(),
  maxResults: queryInt.positive().optional(),
  pageToken: z.string().optional(),
});
export const experimentPageSchema = pageOf(experimentSchema);

export const runStatusSchema = z.enum(runStatuses);
export const runInfoSchema = z.object({
  runId: z.string(),
  experimentId: z.string(),
  runName: z.string(),
  userId: z.string(),
  status: runStatusSchema,
  startTime: z.number(),
  endTime: z.number().nullable(),
  artifactUri: z.string(),
  lifecycleStage: z.enum(['active', 'deleted']),
});
export const datasetInputSchema = z.object({
  tags: z.array(keyValueSchema),
  dataset: z.object({ name: z.string(), digest: z.string(), sourceType: z.string(), source: z.string(), schema: z.string().optional(), profile: z.string().optional() }),
});
export const runSchema = z.object({
  info: runInfoSchema,
  data: z.object({ metrics: z.array(wireMetricSchema), params: z.array(keyValueSchema), tags: z.array(keyValueSchema) }),
  inputs: z.object({ datasetInputs: z.array(datasetInputSchema), modelInputs: z.array(z.object({ modelId: z.string() })) }),
  outputs: z.object({ modelOutputs: z.array(z.object({ modelId: z.string(), step: z.number() })) }),
});
export const runPageSchema = pageOf(runSchema);

export const createRunSchema = z.object({
  experimentId: z.string().default('0'),
  runName: z.string().optional(),
  startTime: z.number().int().nonnegative().optional(),
  tags: tagsSchema.optional(),
});
export const updateRunSchema = z.object({ status: runStatusSchema.optional(), endTime: z.number().int().nonnegative().optional(), runName: z.string().optional() });
export const logBatchSchema = z.object({
  metrics: z.array(wireMetricSchema).max(1000).optional(),
  params: z.array(keyValueSchema).max(100).optional(),
  tags: z.array(keyValueSchema).max(100).optional(),
});
export const logInputsSchema = z.object({ datasets: z.array(datasetInputSchema).max(100) });
export const searchRunsSchema = z.object({
  experimentIds: z.array(z.string()).min(1),
  filter: z.string().optional(),
  orderBy: z.array(z.string()).optional(),
  viewType: viewTypeSchema.optional(),
  maxResults: z.number().int().positive().optional(),
  pageToken: z.string().optional(),
});
export const metricHistoryQuerySchema = z.object({
  maxResults: queryInt.positive().optional(),
  pageToken: z.string().optional(),
  maxPoints: queryInt.positive().optional(),
  startStep: queryInt.optional(),
  endStep: queryInt.optional(),
});
export const metricPageSchema = pageOf(wireMetricSchema);
export const artifactListSchema = z.object({ files: z.array(z.object({ path: z.string(), isDir: z.boolean(), fileSize: z.number().optional() })) });

export type CreateRunInput = z.input<typeof createRunSchema>;
export type LogBatchInput = z.input<typeof logBatchSchema>;
export type SearchRunsWire = z.input<typeof searchRunsSchema>;
export type WireRun = z.infer<typeof runSchema>;
export type WireExperiment = z.infer<typeof experimentSchema>;
