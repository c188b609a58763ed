import { z } from 'zod';

/**
 * Anthropic Messages API shapes (anthropic-version 2023-06-01). Requests are built by the gateway
 * and typed as plain interfaces; answers come from the upstream, a trust boundary, so they are zod
 * schemas. The schemas are loose and list only the fields the translation reads: Anthropic adds
 * fields and block types over time, and those must not turn a good answer into an error.
 */

export const ANTHROPIC_VERSION = '2023-06-01';

export interface AnthropicTextBlock {
  type: 'text';
  text: string;
}

export interface AnthropicImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
}

export interface AnthropicToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface AnthropicToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string | AnthropicTextBlock[];
}

export type AnthropicRequestBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicToolUseBlock | AnthropicToolResultBlock;

export interface AnthropicRequestMessage {
  role: 'user' | 'assistant';
  content: AnthropicRequestBlock[];
}

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type AnthropicToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export interface AnthropicMessagesRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicRequestMessage[];
  system?: string;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  metadata?: { user_id: string };
  stream?: boolean;
}

const tokenCount = z.number().int().nonnegative();

export const anthropicUsageSchema = z
  .object({
    input_tokens: tokenCount.nullish(),
    output_tokens: tokenCount.nullish(),
    cache_creation_input_tokens: tokenCount.nullish(),
    cache_read_input_tokens: tokenCount.nullish(),
  })
  .loose();

export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

export const anthropicTextBlockSchema = z.object({ type: z.literal('text'), text: z.string() }).loose();
export const anthropicToolUseBlockSchema = z.object({ type: z.literal('tool_use'), id: z.string().min(1), name: z.string().min(1), input: z.unknown() }).loose();
// Thinking, server tool and future block types are read as "other" and skipped; a text or
// tool_use block that lacks its fields must not slip through as "other".
const otherBlockSchema = z.object({ type: z.string().refine((type) => type !== 'text' && type !== 'tool_use') }).loose();

export const anthropicContentBlockSchema = z.union([anthropicTextBlockSchema, anthropicToolUseBlockSchema, otherBlockSchema]);

export const anthropicMessageSchema = z
  .object({
    id: z.string().min(1),
    model: z.string(),
    content: z.array(anthropicContentBlockSchema),
    stop_reason: z.string().nullable(),
    stop_sequence: z.string().nullish(),
    usage: anthropicUsageSchema.extend({ input_tokens: tokenCount, output_tokens: tokenCount }),
  })
  .loose();

export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;

export const anthropicErrorBodySchema = z
  .object({ type: z.literal('error'), error: z.object({ type: z.string(), message: z.string() }).loose() })
  .loose();

export const anthropicStreamEventSchemas = {
  message_start: z.object({ message: z.object({ id: z.string().min(1), model: z.string(), usage: anthropicUsageSchema.nullish() }).loose() }).loose(),
  content_block_start: z.object({ index: z.number().int().nonnegative(), content_block: anthropicContentBlockSchema }).loose(),
  content_block_delta: z
    .object({
      index: z.number().int().nonnegative(),
      delta: z.union([
        z.object({ type: z.literal('text_delta'), text: z.string() }).loose(),
        z.object({ type: z.literal('input_json_delta'), partial_json: z.string() }).loose(),
        z.object({ type: z.string().refine((type) => type !== 'text_delta' && type !== 'input_json_delta') }).loose(),
      ]),
    })
    .loose(),
  content_block_stop: z.object({ index: z.number().int().nonnegative() }).loose(),
  message_delta: z
    .object({ delta: z.object({ stop_reason: z.string().nullish(), stop_sequence: z.string().nullish() }).loose(), usage: anthropicUsageSchema.nullish() })
    .loose(),
  message_stop: z.object({}).loose(),
  ping: z.object({}).loose(),
  error: anthropicErrorBodySchema.extend({ type: z.string() }),
} as const;

export type AnthropicStreamEventType = keyof typeof anthropicStreamEventSchemas;
