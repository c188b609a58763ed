import type { ChatCompletion, ChatCompletionChunk } from '@keel/spec';
import type { StreamChunk } from '../providers/chat-provider.ts';

type ChunkChoice = ChatCompletionChunk['choices'][number];
type ToolCall = NonNullable<ChatCompletion['choices'][number]['message']['tool_calls']>[number];

export interface ReplayOptions {
  /** End with a usage chunk (`choices: []`), as OpenAI does for `stream_options.include_usage`. Default true. */
  includeUsage?: boolean | undefined;
}

/** Most deltas one text is cut into: enough to look like a stream, few enough to stay cheap. */
const maxPieces = 4;
/** Texts up to this many code points go out in one delta. */
const piecePoints = 16;

/**
 * A completed chat completion as the chunks of a stream, for answering a streaming request from
 * the cache. Per choice, in OpenAI's order: a role chunk, the content in a few deltas, the refusal,
 * each tool call (id and name first, then its arguments in pieces), a chunk with the finish
 * reason; then one usage chunk with no choices when the completion has usage. Text is cut between
 * code points, never inside a surrogate pair. The choice's logprobs ride on its first content
 * delta (or on the role chunk when it has no content).
 */
export function replayCompletionAsStream(completion: ChatCompletion, options: ReplayOptions = {}): StreamChunk[] {
  const base = {
    id: completion.id,
    object: 'chat.completion.chunk' as const,
    created: completion.created,
    model: completion.model,
    ...(completion.system_fingerprint === undefined ? {} : { system_fingerprint: completion.system_fingerprint }),
  };
  const chunks: StreamChunk[] = [];
  const push = (choice: ChunkChoice): void => {
    chunks.push({ chunk: { ...base, choices: [choice] } });
  };

  for (const choice of completion.choices) {
    const { message } = choice;
    const contentPieces = message.content === null || message.content === '' ? [] : splitText(message.content);
    const logprobs = choice.logprobs === undefined || choice.logprobs === null ? {} : { logprobs: choice.logprobs };
    push({ index: choice.index, delta: { role: 'assistant', content: message.content === null ? null : '' }, finish_reason: null, ...(contentPieces.length === 0 ? logprobs : {}) });
    contentPieces.forEach((piece, pieceIndex) => {
      push({ index: choice.index, delta: { content: piece }, finish_reason: null, ...(pieceIndex === 0 ? logprobs : {}) });
    });
    if (typeof message.refusal === 'string') {
      for (const piece of splitText(message.refusal)) push({ index: choice.index, delta: { refusal: piece }, finish_reason: null });
    }
    (message.tool_calls ?? []).forEach((toolCall, toolIndex) => {
      push({ index: choice.index, delta: { tool_calls: [{ index: toolIndex, id: toolCall.id, type: 'function', function: { name: toolCall.function.name, arguments: '' } }] }, finish_reason: null });
      for (const piece of splitText(toolCall.function.arguments)) {
        push({ index: choice.index, delta: { tool_calls: [{ index: toolIndex, function: { arguments: piece } }] }, finish_reason: null });
      }
    });
    push({ index: choice.index, delta: {}, finish_reason: choice.finish_reason });
  }

  if ((options.includeUsage ?? true) && completion.usage !== undefined && completion.usage !== null) {
    chunks.push({ chunk: { ...base, choices: [], usage: completion.usage } });
  }
  return chunks;
}

/** The text in at most `maxPieces` pieces of about equal length, cut between code points. */
function splitText(text: string): string[] {
  if (text === '') return [];
  const points = Array.from(text);
  const count = Math.min(maxPieces, Math.ceil(points.length / piecePoints));
  const size = Math.ceil(points.length / count);
  const pieces: string[] = [];
  for (let start = 0; start < points.length; start += size) pieces.push(points.slice(start, start + size).join(''));
  return pieces;
}

interface ChoiceState {
  content: string | null;
  refusal: string | null;
  toolCalls: Map<number, { id: string; name: string; arguments: string }>;
  finishReason: string | null;
  logprobs: unknown;
}

/**
 * The chat completion a finished stream amounts to, so that a streamed answer can be cached and
 * recorded like a plain one: content and refusal concatenated per choice index, tool calls put
 * together by their index (id and name as last given, arguments concatenated, as the openai SDK
 * does), the last finish reason and usage, id, model and created of the first chunk that has them,
 * logprobs arrays joined. A choice whose finish_reason is null did not finish: callers that cache
 * should check. Throws on an empty list.
 */
export function assembleCompletionFromChunks(chunks: readonly ChatCompletionChunk[]): ChatCompletion {
  const first = chunks[0];
  if (first === undefined) throw new Error('a stream with no chunks has no completion');
  const choices = new Map<number, ChoiceState>();
  let id = '';
  let model = '';
  let created = first.created;
  let usage: ChatCompletion['usage'];
  let systemFingerprint: string | null | undefined;

  for (const chunk of chunks) {
    if (id === '' && chunk.id !== '') {
      id = chunk.id;
      created = chunk.created;
    }
    if (model === '' && chunk.model !== '') model = chunk.model;
    if (chunk.usage !== undefined && chunk.usage !== null) usage = chunk.usage;
    const fingerprint = chunk['system_fingerprint'];
    if (typeof fingerprint === 'string' || (fingerprint === null && systemFingerprint === undefined)) systemFingerprint = fingerprint;
    for (const choice of chunk.choices) {
      let state = choices.get(choice.index);
      if (state === undefined) {
        state = { content: null, refusal: null, toolCalls: new Map(), finishReason: null, logprobs: undefined };
        choices.set(choice.index, state);
      }
      applyDelta(state, choice);
    }
  }

  const completion: ChatCompletion = {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [...choices.entries()]
      .sort(([left], [right]) => left - right)
      .map(([index, state]) => ({
        index,
        message: {
          role: 'assistant' as const,
          content: state.content,
          ...(state.refusal === null ? {} : { refusal: state.refusal }),
          ...(state.toolCalls.size === 0 ? {} : { tool_calls: toolCallsOf(state) }),
        },
        finish_reason: state.finishReason,
        ...(state.logprobs === undefined ? {} : { logprobs: state.logprobs }),
      })),
  };
  if (usage !== undefined) completion.usage = usage;
  if (systemFingerprint !== undefined) completion.system_fingerprint = systemFingerprint;
  return completion;
}

function applyDelta(state: ChoiceState, choice: ChunkChoice): void {
  const { delta } = choice;
  if (typeof delta.content === 'string') state.content = (state.content ?? '') + delta.content;
  if (typeof delta.refusal === 'string') state.refusal = (state.refusal ?? '') + delta.refusal;
  for (const toolCall of delta.tool_calls ?? []) {
    let call = state.toolCalls.get(toolCall.index);
    if (call === undefined) {
      call = { id: '', name: '', arguments: '' };
      state.toolCalls.set(toolCall.index, call);
    }
    if (toolCall.id !== undefined && toolCall.id !== '') call.id = toolCall.id;
    if (toolCall.function?.name !== undefined && toolCall.function.name !== '') call.name = toolCall.function.name;
    if (toolCall.function?.arguments !== undefined) call.arguments += toolCall.function.arguments;
  }
  if (choice.finish_reason !== null && choice.finish_reason !== undefined) state.finishReason = choice.finish_reason;
  if (choice.logprobs !== undefined && choice.logprobs !== null) state.logprobs = mergeLogprobs(state.logprobs, choice.logprobs);
}

function toolCallsOf(state: ChoiceState): ToolCall[] {
  return [...state.toolCalls.entries()]
    .sort(([left], [right]) => left - right)
    .map(([, call]) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } }));
}

/** OpenAI sends logprobs per chunk as `{ content: [...], refusal: [...] }`: the arrays are joined. */
function mergeLogprobs(previous: unknown, next: unknown): unknown {
  if (!isRecord(previous) || !isRecord(next)) return previous ?? next;
  const merged: Record<string, unknown> = { ...previous };
  for (const [key, value] of Object.entries(next)) {
    const before = merged[key];
    merged[key] = Array.isArray(before) && Array.isArray(value) ? [...(before as unknown[]), ...(value as unknown[])] : (value ?? before);
  }
  return merged;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
