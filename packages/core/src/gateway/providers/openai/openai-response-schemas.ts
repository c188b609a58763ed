import { z } from 'zod';

/** What the gateway needs of an upstream chat completion; the rest passes through untouched. */
const usageSchema = z
  .object({
    prompt_tokens: z.number().int().nonnegative(),
    completion_tokens: z.number().int().nonnegative(),
    total_tokens: z.number().int().nonnegative().optional(),
    prompt_tokens_details: z.object({ cached_tokens: z.number().int().nonnegative().optional() }).loose().nullable().optional(),
  })
  .loose();

export const upstreamCompletionSchema = z
  .object({
    id: z.string(),
    model: z.string(),
    choices: z.array(
      z
        .object({
          index: z.number().int(),
          message: z.object({ role: z.string(), content: z.string().nullable().optional() }).loose(),
          finish_reason: z.string().nullable(),
        })
        .loose(),
    ),
    usage: usageSchema.nullable().optional(),
  })
  .loose();

export const upstreamChunkSchema = z
  .object({
    id: z.string(),
    model: z.string(),
    choices: z.array(z.object({ index: z.number().int(), delta: z.object({}).loose(), finish_reason: z.string().nullable().optional() }).loose()),
    usage: usageSchema.nullable().optional(),
  })
  .loose();

export const upstreamEmbeddingsSchema = z
  .object({
    data: z.array(z.object({ index: z.number().int(), embedding: z.union([z.array(z.number()), z.string()]) }).loose()),
    model: z.string(),
    usage: z.object({ prompt_tokens: z.number().int().nonnegative(), total_tokens: z.number().int().nonnegative().optional() }).loose().optional(),
  })
  .loose();
