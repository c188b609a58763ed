import type { Span } from '@opentelemetry/api';
import { recordChatCompletion } from './chat-attributes.ts';
import { recordSpanError } from './record-span-error.ts';

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface ObserveChatStreamOptions {
  /** performance.now() when the request was made, for the time to first chunk. */
  startedAt: number;
  /** True when the wrapper asked for the usage chunk itself: the user then does not see it, as they would not have without the wrapper. */
  hideUsageChunk: boolean;
  maxChars: number;
}

interface ChoiceState {
  index: number;
  role: string;
  content: string;
  refusal: string | undefined;
  finishReason: string | undefined;
  toolCalls: Map<number, { id: string | undefined; name: string; arguments: string }>;
}

/**
 * Makes the span follow a chat completions stream: it ends when the stream is read to the end, fails,
 * or is abandoned (a `break` out of for-await calls the iterator's return()). The stream object is
 * patched in place rather than replaced, so its other members (controller, tee, toReadableStream)
 * stay as they were; openai's Stream reads all of them through its `iterator` property.
 */
export function observeChatStream<S extends object>(stream: S, span: Span, options: ObserveChatStreamOptions): S {
  let observed = false;
  const observeOnce = (inner: AsyncIterator<unknown>): AsyncIterator<unknown> => {
    // A stream can be read once; a second read fails inside openai and must not touch the ended span.
    if (observed) return inner;
    observed = true;
    return observe(inner, span, options);
  };
  const target = stream as S & { iterator?: unknown; [Symbol.asyncIterator]?: unknown };
  const iterator = target.iterator;
  if (typeof iterator === 'function') {
    target.iterator = () => observeOnce((iterator as () => AsyncIterator<unknown>).call(stream));
    return stream;
  }
  const asyncIterator = target[Symbol.asyncIterator];
  if (typeof asyncIterator === 'function') {
    Object.defineProperty(stream, Symbol.asyncIterator, {
      configurable: true,
      writable: true,
      value: () => observeOnce((asyncIterator as () => AsyncIterator<unknown>).call(stream)),
    });
    return stream;
  }
  // Not a stream we know how to follow: keep the user's object intact and close the span now.
  span.end();
  return stream;
}

function observe(inner: AsyncIterator<unknown>, span: Span, options: ObserveChatStreamOptions): AsyncIterator<unknown> & AsyncIterable<unknown> {
  const choices = new Map<number, ChoiceState>();
  let id: string | undefined;
  let model: string | undefined;
  let usage: unknown;
  let sawFirstChunk = false;
  let ended = false;

  const accumulate = (chunk: Json): void => {
    if (!sawFirstChunk) {
      sawFirstChunk = true;
      span.setAttribute('gen_ai.response.time_to_first_chunk', (performance.now() - options.startedAt) / 1000);
    }
    if (typeof chunk.id === 'string') id = chunk.id;
    if (typeof chunk.model === 'string') model = chunk.model;
    if (isRecord(chunk.usage)) usage = chunk.usage;
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices) {
      if (!isRecord(choice)) continue;
      const index = typeof choice.index === 'number' ? choice.index : 0;
      let state = choices.get(index);
      if (state === undefined) {
        state = { index, role: 'assistant', content: '', refusal: undefined, finishReason: undefined, toolCalls: new Map() };
        choices.set(index, state);
      }
      if (typeof choice.finish_reason === 'string') state.finishReason = choice.finish_reason;
      const delta = isRecord(choice.delta) ? choice.delta : {};
      if (typeof delta.role === 'string') state.role = delta.role;
      if (typeof delta.content === 'string') state.content += delta.content;
      if (typeof delta.refusal === 'string') state.refusal = (state.refusal ?? '') + delta.refusal;
      if (Array.isArray(delta.tool_calls)) {
        for (const call of delta.tool_calls) {
          if (!isRecord(call)) continue;
          const callIndex = typeof call.index === 'number' ? call.index : 0;
          const current = state.toolCalls.get(callIndex) ?? { id: undefined, name: '', arguments: '' };
          if (typeof call.id === 'string') current.id = call.id;
          const fn = isRecord(call.function) ? call.function : {};
          if (typeof fn.name === 'string') current.name += fn.name;
          if (typeof fn.arguments === 'string') current.arguments += fn.arguments;
          state.toolCalls.set(callIndex, current);
        }
      }
    }
  };

  const finish = (error?: { value: unknown }): void => {
    if (ended) return;
    ended = true;
    try {
      const assembled = [...choices.values()]
        .sort((left, right) => left.index - right.index)
        .map((state) => ({
          index: state.index,
          finish_reason: state.finishReason ?? null,
          message: {
            role: state.role,
            content: state.content === '' && state.toolCalls.size > 0 ? null : state.content,
            ...(state.refusal === undefined ? {} : { refusal: state.refusal }),
            ...(state.toolCalls.size === 0 ? {} : { tool_calls: [...state.toolCalls.values()].map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })) }),
          },
        }));
      recordChatCompletion(span, { id, model, choices: assembled, usage }, options.maxChars);
      if (error !== undefined) recordSpanError(span, error.value);
    } finally {
      span.end();
    }
  };

  const observed: AsyncIterator<unknown> & AsyncIterable<unknown> = {
    async next() {
      for (;;) {
        let result: IteratorResult<unknown>;
        try {
          result = await inner.next();
        } catch (error) {
          finish({ value: error });
          throw error;
        }
        if (result.done === true) {
          finish();
          return result;
        }
        const chunk = result.value;
        if (!isRecord(chunk)) return result;
        accumulate(chunk);
        if (options.hideUsageChunk) {
          if (Array.isArray(chunk.choices) && chunk.choices.length === 0 && isRecord(chunk.usage)) continue;
          if (chunk.usage === null) delete chunk.usage;
        }
        return result;
      }
    },
    async return(value?: unknown) {
      finish();
      return inner.return === undefined ? { done: true, value } : inner.return(value);
    },
    async throw(error?: unknown) {
      finish({ value: error });
      if (inner.throw === undefined) throw error;
      return inner.throw(error);
    },
    [Symbol.asyncIterator]() {
      return observed;
    },
  };
  return observed;
}
