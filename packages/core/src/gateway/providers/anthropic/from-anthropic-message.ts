import type { ChatCompletion, ChatCompletionChoice } from '@keel/spec';
import { UpstreamError } from '../upstream-error.ts';
import { anthropicMessageSchema } from './anthropic-wire.ts';
import { toOpenAiFinishReason } from './to-openai-finish-reason.ts';
import { toOpenAiUsage } from './to-openai-usage.ts';

/**
 * An Anthropic message (the parsed JSON body of a non-streamed answer) as an OpenAI chat
 * completion. Text blocks join into `content`, tool_use blocks become `tool_calls`, other blocks
 * (thinking, server tools) are left out. A body that is not a message throws an UpstreamError
 * 'bad_response', which the gateway may retry or fall back on.
 */
export function fromAnthropicMessage(body: unknown, createdSeconds: number): ChatCompletion {
  const parsed = anthropicMessageSchema.safeParse(body);
  if (!parsed.success) {
    throw new UpstreamError({ failure: 'bad_response', message: `Anthropic answered a body that is not a message: ${parsed.error.message}`, cause: parsed.error });
  }
  const message = parsed.data;
  let text: string | null = null;
  const toolCalls: NonNullable<ChatCompletionChoice['message']['tool_calls']> = [];
  for (const block of message.content) {
    if (block.type === 'text' && 'text' in block && typeof block.text === 'string') text = (text ?? '') + block.text;
    else if (block.type === 'tool_use' && 'id' in block && typeof block.id === 'string' && typeof block.name === 'string') {
      toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const choice: ChatCompletionChoice = {
    index: 0,
    message: { role: 'assistant', content: text, refusal: null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
    finish_reason: toOpenAiFinishReason(message.stop_reason) ?? 'stop',
    logprobs: null,
  };
  return { id: message.id, object: 'chat.completion', created: createdSeconds, model: message.model, choices: [choice], usage: toOpenAiUsage(message.usage) };
}
