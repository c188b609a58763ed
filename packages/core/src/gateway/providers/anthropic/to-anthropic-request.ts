import { z } from 'zod';
import { KeelError, type ChatCompletionRequest, type ChatRequestMessage } from '@keel/spec';
import type { AnthropicMessagesRequest, AnthropicRequestBlock, AnthropicRequestMessage, AnthropicTextBlock, AnthropicTool, AnthropicToolChoice } from './anthropic-wire.ts';

/** Anthropic requires max_tokens; this is what a request that names none gets. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

const textPartSchema = z.object({ type: z.literal('text'), text: z.string() }).loose();
const refusalPartSchema = z.object({ type: z.literal('refusal'), refusal: z.string() }).loose();
const imagePartSchema = z.object({ type: z.literal('image_url'), image_url: z.object({ url: z.string().min(1) }).loose() }).loose();

/**
 * An OpenAI chat request as an Anthropic Messages request. Throws a KeelError
 * INVALID_PARAMETER_VALUE (400) for what Anthropic cannot do, so the caller hears why instead of
 * getting a different answer than it asked for.
 *
 * Dropped without error, because Anthropic has no equivalent and a best-effort answer is still
 * the answer asked for: seed, logprobs/top_logprobs, presence/frequency penalties, logit_bias.
 */
export function toAnthropicRequest(request: ChatCompletionRequest): AnthropicMessagesRequest {
  if (request.n !== undefined && request.n !== null && request.n > 1) {
    throw new KeelError('INVALID_PARAMETER_VALUE', 'n > 1 is not supported by Anthropic models: ask for one choice per request', { details: { param: 'n' } });
  }
  const systemParts: string[] = [];
  const turns: AnthropicRequestMessage[] = [];
  request.messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
      case 'developer':
        systemParts.push(textOf(message.content));
        return;
      case 'user':
        pushTurn(turns, 'user', userBlocks(message.content, index));
        return;
      case 'assistant':
        pushTurn(turns, 'assistant', assistantBlocks(message, index));
        return;
      case 'tool':
        pushTurn(turns, 'user', [{ type: 'tool_result', tool_use_id: message.tool_call_id, content: typeof message.content === 'string' ? message.content : nonEmptyTextBlocks(message.content) }]);
        return;
      default:
        return assertNever(message);
    }
  });
  if (turns.length === 0) throw new KeelError('INVALID_PARAMETER_VALUE', 'Anthropic needs at least one user or assistant message besides the system prompt', { details: { param: 'messages' } });
  for (const turn of turns) if (turn.role === 'user') turn.content = toolResultsFirst(turn.content);

  const formatInstruction = responseFormatInstruction(request.response_format);
  if (formatInstruction !== null) systemParts.push(formatInstruction);
  const system = systemParts.filter((part) => part !== '').join('\n\n');

  const result: AnthropicMessagesRequest = {
    model: request.model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
    messages: turns,
  };
  if (system !== '') result.system = system;
  if (request.stop !== undefined && request.stop !== null) {
    const stops = typeof request.stop === 'string' ? [request.stop] : request.stop;
    if (stops.length > 0) result.stop_sequences = stops;
  }
  // OpenAI's temperature runs 0..2, Anthropic's 0..1; clamping keeps a request that works against
  // OpenAI working here (as a fallback target) instead of failing on a 400 from the upstream.
  if (request.temperature !== undefined && request.temperature !== null) result.temperature = Math.min(request.temperature, 1);
  if (request.top_p !== undefined && request.top_p !== null) result.top_p = request.top_p;
  if (request.user !== undefined && request.user !== '') result.metadata = { user_id: request.user };
  if (request.tools !== undefined && request.tools.length > 0) {
    result.tools = request.tools.map(toAnthropicTool);
    const choice = toAnthropicToolChoice(request.tool_choice, request.parallel_tool_calls === false);
    if (choice !== undefined) result.tool_choice = choice;
  }
  if (request.stream === true) result.stream = true;
  return result;
}

/** Anthropic wants alternating turns: a turn of the same role as the last one is merged into it. */
function pushTurn(turns: AnthropicRequestMessage[], role: 'user' | 'assistant', content: AnthropicRequestBlock[]): void {
  // Anthropic rejects empty turns; an assistant message with neither text nor tool calls adds nothing.
  if (content.length === 0) return;
  const last = turns.at(-1);
  if (last !== undefined && last.role === role) last.content.push(...content);
  else turns.push({ role, content });
}

/** Anthropic requires a user turn's tool_result blocks to come before its other blocks. */
function toolResultsFirst(blocks: AnthropicRequestBlock[]): AnthropicRequestBlock[] {
  return [...blocks.filter((block) => block.type === 'tool_result'), ...blocks.filter((block) => block.type !== 'tool_result')];
}

function userBlocks(content: Extract<ChatRequestMessage, { role: 'user' }>['content'], messageIndex: number): AnthropicRequestBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.flatMap((part, partIndex): AnthropicRequestBlock[] => {
    const text = textPartSchema.safeParse(part);
    if (text.success) return text.data.text === '' ? [] : [{ type: 'text', text: text.data.text }];
    const image = imagePartSchema.safeParse(part);
    if (image.success) return [toImageBlock(image.data.image_url.url)];
    throw unsupportedPart(part.type, messageIndex, partIndex);
  });
}

function assistantBlocks(message: Extract<ChatRequestMessage, { role: 'assistant' }>, messageIndex: number): AnthropicRequestBlock[] {
  const blocks: AnthropicRequestBlock[] = [];
  const content = message.content;
  if (typeof content === 'string') {
    if (content !== '') blocks.push({ type: 'text', text: content });
  } else if (Array.isArray(content)) {
    content.forEach((part, partIndex) => {
      const text = textPartSchema.safeParse(part);
      const refusal = refusalPartSchema.safeParse(part);
      const value = text.success ? text.data.text : refusal.success ? refusal.data.refusal : null;
      if (value === null) throw unsupportedPart(part.type, messageIndex, partIndex);
      if (value !== '') blocks.push({ type: 'text', text: value });
    });
  }
  for (const call of message.tool_calls ?? []) {
    blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseToolArguments(call.function.arguments, call.id) });
  }
  return blocks;
}

/** Anthropic takes tool input as an object; OpenAI carries it as JSON text. */
function parseToolArguments(text: string, callId: string): Record<string, unknown> {
  // Some clients and providers send "" for a tool without parameters.
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KeelError('INVALID_PARAMETER_VALUE', `tool call ${callId}: arguments must be a JSON object to be sent to Anthropic`, { details: { param: 'messages' } });
  }
  return value as Record<string, unknown>;
}

function toImageBlock(url: string): AnthropicRequestBlock {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data !== null) return { type: 'image', source: { type: 'base64', media_type: data[1] ?? '', data: data[2] ?? '' } };
  return { type: 'image', source: { type: 'url', url } };
}

function unsupportedPart(type: string, messageIndex: number, partIndex: number): KeelError {
  return new KeelError('INVALID_PARAMETER_VALUE', `messages[${messageIndex}].content[${partIndex}]: content part type '${type}' is not supported by Anthropic models`, {
    details: { param: `messages[${messageIndex}].content[${partIndex}]` },
  });
}

function textOf(content: string | { text: string }[]): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('\n');
}

function nonEmptyTextBlocks(parts: { text: string }[]): AnthropicTextBlock[] {
  return parts.filter((part) => part.text !== '').map((part) => ({ type: 'text', text: part.text }));
}

function toAnthropicTool(tool: NonNullable<ChatCompletionRequest['tools']>[number]): AnthropicTool {
  const result: AnthropicTool = { name: tool.function.name, input_schema: tool.function.parameters ?? { type: 'object', properties: {} } };
  if (tool.function.description !== undefined) result.description = tool.function.description;
  return result;
}

function toAnthropicToolChoice(choice: ChatCompletionRequest['tool_choice'], oneCallOnly: boolean): AnthropicToolChoice | undefined {
  const parallel = oneCallOnly ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return oneCallOnly ? { type: 'auto', ...parallel } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...parallel };
  if (choice === 'required') return { type: 'any', ...parallel };
  return { type: 'tool', name: choice.function.name, ...parallel };
}

/**
 * The Messages API (2023-06-01) has no response_format. Best effort: the schema goes into the
 * system prompt as an instruction. Claude follows it reliably but nothing enforces it, so a
 * caller that needs a guarantee must still validate the JSON it gets back.
 */
function responseFormatInstruction(format: ChatCompletionRequest['response_format']): string | null {
  if (format === undefined || format.type === 'text') return null;
  if (format.type === 'json_object') return 'Respond with a single valid JSON object and nothing else: no prose, no Markdown code fences.';
  const schema = format.json_schema.schema ?? {};
  const description = format.json_schema.description === undefined ? '' : ` (${format.json_schema.description})`;
  return `Respond with a single JSON value and nothing else (no prose, no Markdown code fences) that conforms to the JSON schema named "${format.json_schema.name}"${description}:\n${JSON.stringify(schema)}`;
}

function assertNever(value: never): never {
  throw new Error(`unexpected message ${JSON.stringify(value)}`);
}
