import { type Attributes, type Span, SpanKind } from '@opentelemetry/api';
import { chatRequestAttributes, recordChatCompletion, recordUsage } from './chat-attributes.ts';
import type { KeelTracing } from './create-keel-tracing.ts';
import { observeChatStream } from './observe-chat-stream.ts';
import { recordSpanError } from './record-span-error.ts';
import { toAttributeText } from './to-attribute-text.ts';
import type { TraceLevelOptions } from './trace-attributes.ts';

/**
 * The part of an `openai` v6 client that is traced. Structural, so that the SDK neither imports
 * openai nor needs it installed; any client with these members (a real OpenAI, AzureOpenAI) fits.
 */
export interface OpenAiLike {
  chat: { completions: { create: (...args: never[]) => unknown } };
  embeddings: { create: (...args: never[]) => unknown };
}

export interface WrapOpenAiOptions extends TraceLevelOptions {
  /** The Keel prompt these calls render (`keel.prompt.name`), so that usage and scores roll up per version. */
  promptName?: string | undefined;
  promptVersion?: number | undefined;
  /** The provider name to record (default `openai`; e.g. `azure.ai.openai` for an AzureOpenAI client). */
  providerName?: string | undefined;
}

type Json = Record<string, unknown>;
type Create = (this: unknown, body: unknown, requestOptions?: unknown) => unknown;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Returns a view of `client` whose `chat.completions.create` and `embeddings.create` record a GenAI
 * span each, child of the active span. Everything else passes through to the client untouched.
 *
 * - `create()` returns a plain Promise of the same value: `await` works, openai's APIPromise helpers
 *   (`.withResponse()`, `.asResponse()`) do not.
 * - With `stream: true` and no `stream_options`, the wrapper asks for `stream_options.include_usage`
 *   to record token usage, and hides the extra usage chunk so the stream reads as it would unwrapped.
 *   A request that sets `stream_options` itself is sent as it is.
 * - The helpers that call create() from inside openai (`chat.completions.stream()`, `.parse()`,
 *   `.runTools()`) and clients made by `withOptions()` are not traced.
 */
export function wrapOpenAI<T extends OpenAiLike>(client: T, tracing: KeelTracing, options: WrapOpenAiOptions = {}): T {
  const common: Attributes = {};
  if (options.promptName !== undefined) common['keel.prompt.name'] = options.promptName;
  if (options.promptVersion !== undefined) common['keel.prompt.version'] = options.promptVersion;
  const provider = options.providerName ?? 'openai';
  const maxChars = tracing.maxValueChars;

  const start = (name: string, attributes: Attributes): Span =>
    tracing.startSpan(name, { otelKind: SpanKind.CLIENT, attributes: { ...attributes, 'gen_ai.provider.name': provider, ...common }, sessionId: options.sessionId, userId: options.userId, tags: options.tags });

  const tracedChat = (create: Create, self: unknown): Create =>
    function tracedCreate(body, requestOptions) {
      if (!isRecord(body)) return create.call(self, body, requestOptions);
      const model = typeof body.model === 'string' ? body.model : '';
      const span = start(model === '' ? 'chat' : `chat ${model}`, chatRequestAttributes(body, maxChars));
      const streaming = body.stream === true;
      const askForUsage = streaming && body.stream_options === undefined;
      const sent = askForUsage ? { ...body, stream_options: { include_usage: true } } : body;
      const startedAt = performance.now();
      return call(create, self, sent, requestOptions, span, (result) => {
        if (streaming && typeof result === 'object' && result !== null) return observeChatStream(result, span, { startedAt, hideUsageChunk: askForUsage, maxChars });
        if (isRecord(result)) recordChatCompletion(span, result, maxChars);
        span.end();
        return result;
      });
    };

  const tracedEmbeddings = (create: Create, self: unknown): Create =>
    function tracedCreate(body, requestOptions) {
      if (!isRecord(body)) return create.call(self, body, requestOptions);
      const model = typeof body.model === 'string' ? body.model : '';
      const attributes: Attributes = { 'gen_ai.operation.name': 'embeddings' };
      if (model !== '') attributes['gen_ai.request.model'] = model;
      if (typeof body.dimensions === 'number') attributes['gen_ai.embeddings.dimension.count'] = body.dimensions;
      const input = toAttributeText(body.input, maxChars);
      if (input !== undefined) attributes['input.value'] = input.text;
      const span = start(model === '' ? 'embeddings' : `embeddings ${model}`, attributes);
      return call(create, self, body, requestOptions, span, (result) => {
        if (isRecord(result)) {
          if (typeof result.model === 'string') span.setAttribute('gen_ai.response.model', result.model);
          const first = Array.isArray(result.data) ? (result.data[0] as unknown) : undefined;
          if (isRecord(first) && Array.isArray(first.embedding)) span.setAttribute('gen_ai.embeddings.dimension.count', first.embedding.length);
          recordUsage(span, result.usage);
        }
        span.end();
        return result;
      });
    };

  const completions = proxy(client.chat.completions, { create: tracedChat });
  const chat = proxy(client.chat, { completions: () => completions });
  const embeddings = proxy(client.embeddings, { create: tracedEmbeddings });
  return proxy(client, { chat: () => chat, embeddings: () => embeddings });
}

/** Calls the original create; failures, thrown or rejected, end the span and reach the caller unchanged. */
function call(create: Create, self: unknown, body: unknown, requestOptions: unknown, span: Span, onValue: (value: unknown) => unknown): Promise<unknown> {
  let pending: unknown;
  try {
    pending = requestOptions === undefined ? create.call(self, body) : create.call(self, body, requestOptions);
  } catch (error) {
    recordSpanError(span, error);
    span.end();
    throw error;
  }
  return Promise.resolve(pending).then(onValue, (error: unknown) => {
    recordSpanError(span, error);
    span.end();
    throw error;
  });
}

type Replacement = (original: Create, self: unknown) => unknown;

/**
 * A view of `target` with some members replaced. Other methods are bound to the real object, so
 * class internals (private fields, `this._client`) keep working through the view.
 */
function proxy<T extends object>(target: T, replacements: Record<string, Replacement>): T {
  const cache = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (cache.has(property)) return cache.get(property);
      const replace = typeof property === 'string' ? replacements[property] : undefined;
      let result: unknown = value;
      if (replace !== undefined) result = replace(value as Create, object);
      else if (typeof value === 'function') result = (value as (...args: unknown[]) => unknown).bind(object);
      else return value;
      cache.set(property, result);
      return result;
    },
  });
}
