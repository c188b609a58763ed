import type { z } from 'zod';
import type { ChatCompletionChunk, ChatCompletionChunkToolCall } from '@keel/spec';
import type { StreamChunk } from '../chat-provider.ts';
import type { SseEvent } from '../read-sse-events.ts';
import { UpstreamError } from '../upstream-error.ts';
import { anthropicStreamEventSchemas, type AnthropicStreamEventType, type AnthropicUsage } from './anthropic-wire.ts';
import { toOpenAiErrorBody } from './to-openai-error-body.ts';
import { toOpenAiFinishReason } from './to-openai-finish-reason.ts';
import { toOpenAiUsage } from './to-openai-usage.ts';

type StreamEvent = { [K in AnthropicStreamEventType]: { type: K; data: z.infer<(typeof anthropicStreamEventSchemas)[K]> } }[AnthropicStreamEventType];

interface ToolBlock {
  toolIndex: number;
  startInput: unknown;
  sentArguments: boolean;
}

/**
 * Anthropic's streamed events as OpenAI chat.completion.chunk objects: the role in the first
 * delta, text deltas as content, each tool_use block as a tool call (id and name first, then the
 * argument fragments), finish_reason on the last choice chunk, and always a closing usage chunk
 * with no choices (the gateway asks every upstream for usage).
 *
 * An `error` event, a malformed event, or a stream that ends before message_stop throws an
 * UpstreamError 'bad_response' from the iterator: a truncated answer must not pass for a whole one.
 */
export async function* translateAnthropicStream(events: AsyncIterable<SseEvent>, createdSeconds: number): AsyncGenerator<StreamChunk> {
  let id = '';
  let model = '';
  let started = false;
  let stopReason: string | null = null;
  const usage: AnthropicUsage = {};
  const toolBlocks = new Map<number, ToolBlock>();
  const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finishReason: string | null = null): StreamChunk => ({
    chunk: { id, object: 'chat.completion.chunk', created: createdSeconds, model, choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] },
  });
  const toolCall = (call: ChatCompletionChunkToolCall): StreamChunk => chunk({ tool_calls: [call] });

  for await (const raw of events) {
    const event = parseEvent(raw);
    if (event === null) continue;
    if (!started && event.type !== 'message_start' && event.type !== 'ping' && event.type !== 'error') {
      throw badResponse(`Anthropic stream sent ${event.type} before message_start`);
    }
    switch (event.type) {
      case 'ping':
        break;
      case 'error': {
        const { type, message } = event.data.error;
        const description = `Anthropic failed mid-stream: ${type}: ${message}`;
        throw new UpstreamError({ failure: 'bad_response', message: description, upstreamBody: toOpenAiErrorBody(event.data, null, description) });
      }
      case 'message_start':
        if (started) throw badResponse('Anthropic stream sent message_start twice');
        started = true;
        id = event.data.message.id;
        model = event.data.message.model;
        mergeUsage(usage, event.data.message.usage);
        yield chunk({ role: 'assistant', content: '' });
        break;
      case 'content_block_start': {
        const block = event.data.content_block;
        if (block.type === 'text' && 'text' in block && typeof block.text === 'string') {
          if (block.text !== '') yield chunk({ content: block.text });
        } else if (block.type === 'tool_use' && 'id' in block && typeof block.id === 'string' && typeof block.name === 'string') {
          const toolIndex = toolBlocks.size;
          toolBlocks.set(event.data.index, { toolIndex, startInput: block.input, sentArguments: false });
          yield toolCall({ index: toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } });
        }
        break;
      }
      case 'content_block_delta': {
        const delta = event.data.delta;
        if (delta.type === 'text_delta' && 'text' in delta && typeof delta.text === 'string') {
          if (delta.text !== '') yield chunk({ content: delta.text });
        } else if (delta.type === 'input_json_delta' && 'partial_json' in delta && typeof delta.partial_json === 'string') {
          const tool = toolBlocks.get(event.data.index);
          if (tool === undefined) throw badResponse(`Anthropic stream sent tool input for block ${event.data.index}, which is not a tool_use block`);
          if (delta.partial_json !== '') {
            tool.sentArguments = true;
            yield toolCall({ index: tool.toolIndex, function: { arguments: delta.partial_json } });
          }
        }
        break;
      }
      case 'content_block_stop': {
        const tool = toolBlocks.get(event.data.index);
        // A tool without parameters may get no input deltas at all; clients JSON.parse the
        // arguments, and "" is not JSON.
        if (tool !== undefined && !tool.sentArguments) {
          tool.sentArguments = true;
          yield toolCall({ index: tool.toolIndex, function: { arguments: JSON.stringify(isObject(tool.startInput) ? tool.startInput : {}) } });
        }
        break;
      }
      case 'message_delta':
        stopReason = event.data.delta.stop_reason ?? stopReason;
        mergeUsage(usage, event.data.usage);
        break;
      case 'message_stop':
        yield chunk({}, toOpenAiFinishReason(stopReason) ?? 'stop');
        yield { chunk: { id, object: 'chat.completion.chunk', created: createdSeconds, model, choices: [], usage: toOpenAiUsage(usage) } };
        return;
      default:
        return assertNever(event);
    }
  }
  throw badResponse(started ? 'Anthropic stream ended before message_stop' : 'Anthropic stream ended without any message');
}

/** One SSE event, validated; null for event types this code does not know (Anthropic may add some). */
function parseEvent(raw: SseEvent): StreamEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(raw.data);
  } catch (error) {
    throw new UpstreamError({ failure: 'bad_response', message: `Anthropic stream sent an event that is not JSON: ${raw.data.slice(0, 200)}`, cause: error });
  }
  const declared = typeof json === 'object' && json !== null && typeof (json as { type?: unknown }).type === 'string' ? (json as { type: string }).type : raw.event;
  if (!isKnownType(declared)) return null;
  const parsed = anthropicStreamEventSchemas[declared].safeParse(json);
  if (!parsed.success) throw new UpstreamError({ failure: 'bad_response', message: `Anthropic stream sent a malformed ${declared} event: ${parsed.error.message}`, cause: parsed.error });
  // The schema was picked by `declared`, so the data belongs to that event type.
  return { type: declared, data: parsed.data } as StreamEvent;
}

function isKnownType(type: string): type is AnthropicStreamEventType {
  return Object.hasOwn(anthropicStreamEventSchemas, type);
}

/** message_start carries the input counts and message_delta the cumulative output; later values win. */
function mergeUsage(target: AnthropicUsage, source: AnthropicUsage | null | undefined): void {
  if (source === null || source === undefined) return;
  for (const key of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const) {
    const value = source[key];
    if (value !== null && value !== undefined) target[key] = value;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badResponse(message: string): UpstreamError {
  return new UpstreamError({ failure: 'bad_response', message });
}

function assertNever(value: never): never {
  throw new Error(`unexpected event ${JSON.stringify(value)}`);
}
