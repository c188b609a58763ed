import { z } from 'zod';

/**
 * The OpenAI wire shapes the gateway reads. Requests are validated on the fields the gateway acts
 * on and passed through otherwise (`loose`), so new OpenAI parameters reach the upstream untouched.
 */

const textPart = z.object({ type: z.literal('text'), text: z.string() }).loose();
const contentPart = z.object({ type: z.string().min(1) }).loose();
const messageContent = z.union([z.string(), z.array(contentPart), z.null()]);

export const chatToolCallSchema = z
  .object({
    id: z.string(),
    type: z.literal('function'),
    function: z.object({ name: z.string(), arguments: z.string() }),
  })
  .loose();

export const chatMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.union([z.string(), z.array(textPart)]), name: z.string().optional() }).loose(),
  z.object({ role: z.literal('developer'), content: z.union([z.string(), z.array(textPart)]), name: z.string().optional() }).loose(),
  z.object({ role: z.literal('user'), content: z.union([z.string(), z.array(contentPart)]), name: z.string().optional() }).loose(),
  z
    .object({
      role: z.literal('assistant'),
      content: messageContent.optional(),
      name: z.string().optional(),
      tool_calls: z.array(chatToolCallSchema).optional(),
      refusal: z.string().nullable().optional(),
    })
    .loose(),
  z.object({ role: z.literal('tool'), content: z.union([z.string(), z.array(textPart)]), tool_call_id: z.string() }).loose(),
]);

export const chatToolSchema = z
  .object({
    type: z.literal('function'),
    function: z
      .object({ name: z.string().min(1).max(64), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullable().optional() })
      .loose(),
  })
  .loose();

export const responseFormatSchema = z.union([
  z.object({ type: z.literal('text') }).loose(),
  z.object({ type: z.literal('json_object') }).loose(),
  z
    .object({
      type: z.literal('json_schema'),
      json_schema: z.object({ name: z.string().min(1), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullable().optional(), description: z.string().optional() }).loose(),
    })
    .loose(),
]);

export const chatCompletionRequestSchema = z
  .object({
    model: z.string().min(1).max(256),
    messages: z.array(chatMessageSchema).min(1),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullable().optional(),
    max_tokens: z.number().int().positive().nullable().optional(),
    max_completion_tokens: z.number().int().positive().nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    n: z.number().int().min(1).max(128).nullable().optional(),
    stop: z.union([z.string(), z.array(z.string()).max(4)]).nullable().optional(),
    seed: z.number().int().nullable().optional(),
    logprobs: z.boolean().nullable().optional(),
    top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
    tools: z.array(chatToolSchema).optional(),
    tool_choice: z.union([z.enum(['none', 'auto', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }).loose()]).optional(),
    response_format: responseFormatSchema.optional(),
    user: z.string().optional(),
  })
  .loose();

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
export type ChatRequestMessage = z.infer<typeof chatMessageSchema>;

export const embeddingsRequestSchema = z
  .object({
    model: z.string().min(1).max(256),
    input: z.union([z.string(), z.array(z.string()).min(1).max(2048), z.array(z.number().int()).min(1), z.array(z.array(z.number().int()).min(1)).min(1).max(2048)]),
    encoding_format: z.enum(['float', 'base64']).optional(),
    dimensions: z.number().int().positive().optional(),
    user: z.string().optional(),
  })
  .loose();

export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

export interface ChatCompletionChoice {
  index: number;
  message: { role: 'assistant'; content: string | null; tool_calls?: z.infer<typeof chatToolCallSchema>[]; refusal?: string | null };
  finish_reason: string | null;
  logprobs?: unknown;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: CompletionUsage | null;
  system_fingerprint?: string | null;
  [extra: string]: unknown;
}

export interface ChatCompletionChunkToolCall {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: { index: number; delta: { role?: 'assistant'; content?: string | null; tool_calls?: ChatCompletionChunkToolCall[]; refusal?: string | null }; finish_reason: string | null; logprobs?: unknown }[];
  usage?: CompletionUsage | null;
  [extra: string]: unknown;
}

export interface EmbeddingsResponse {
  object: 'list';
  data: { object: 'embedding'; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** OpenAI's error body: every gateway error is sent in this shape. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}
