import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, EmbeddingsRequest, EmbeddingsResponse } from '@keel/spec';
import type { HttpClient } from '../../http-client.ts';
import { callUpstream } from '../call-upstream.ts';
import type { ChatProvider, ChatResult, ProviderCallContext, StreamChunk } from '../chat-provider.ts';
import { readSseEvents } from '../read-sse-events.ts';
import { UpstreamError } from '../upstream-error.ts';
import { readBodyText, withIdleTimeout } from '../with-idle-timeout.ts';
import { isUpstreamChunk, isUpstreamCompletion } from './is-upstream-completion.ts';
import { upstreamChunkSchema, upstreamCompletionSchema, upstreamEmbeddingsSchema } from './openai-response-schemas.ts';

export interface OpenAiProviderOptions {
  /** 'openai' and 'openai-compatible' speak the same protocol; 'azure' differs in URLs and auth. */
  type: 'openai' | 'openai-compatible' | 'azure';
  /** The provider's configured name, used in error messages. */
  name: string;
  http: HttpClient;
  /** e.g. https://api.openai.com/v1, http://127.0.0.1:8080/v1; for Azure the resource URL. */
  baseUrl: string;
  apiKey?: string | undefined;
  /** Azure: the api-version query parameter, and model name -> deployment name. */
  apiVersion?: string | undefined;
  deployments?: Record<string, string> | undefined;
  headers?: Record<string, string> | undefined;
  nowMs: () => number;
  /** Largest non-streamed upstream body accepted. */
  maxBodyBytes?: number;
}

/**
 * OpenAI's API, any server that speaks it (vLLM, llama.cpp server, Ollama, LM Studio, Groq,
 * Together, Mistral), and Azure OpenAI. Streams always ask for usage (`include_usage`), so token
 * counts and cost are exact for streamed answers too.
 */
export function createOpenAiProvider(options: OpenAiProviderOptions): ChatProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
  if (options.apiKey !== undefined) {
    if (options.type === 'azure') headers['api-key'] = options.apiKey;
    else headers.authorization = `Bearer ${options.apiKey}`;
  }
  const streamHeaders = { ...headers, accept: 'text/event-stream' };

  function urlFor(operation: 'chat/completions' | 'embeddings', model: string): string {
    if (options.type !== 'azure') return `${base}/${operation}`;
    const deployment = options.deployments?.[model] ?? model;
    return `${base}/openai/deployments/${encodeURIComponent(deployment)}/${operation}?api-version=${encodeURIComponent(options.apiVersion ?? '')}`;
  }

  function badResponse(message: string, cause?: unknown): UpstreamError {
    return new UpstreamError({ failure: 'bad_response', message: `${options.name} sent ${message}`, cause });
  }

  function parseJson(text: string, what: string): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw badResponse(`${what} that is not JSON`, error);
    }
  }

  // The fast checks answer for the common shapes; the schemas decide the rest and word the errors.
  function chunkOf(value: unknown): ChatCompletionChunk {
    const parsed = upstreamChunkSchema.safeParse(value);
    if (!parsed.success) throw badResponse(`a stream event that is not a chat.completion.chunk: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data as unknown as ChatCompletionChunk;
  }

  function completionOf(value: unknown): ChatCompletion {
    const parsed = upstreamCompletionSchema.safeParse(value);
    if (!parsed.success) throw badResponse(`a completion of the wrong shape: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data as unknown as ChatCompletion;
  }

  async function* streamChunks(body: AsyncIterable<Uint8Array>, idleMs: number, abort: () => void): AsyncGenerator<StreamChunk> {
    let finished = false;
    for await (const event of readSseEvents(withIdleTimeout(body, idleMs, options.name, abort))) {
      if (event.data === '[DONE]') return;
      const value = parseJson(event.data, 'a stream event');
      if (typeof value === 'object' && value !== null && 'error' in value) {
        const error = (value as { error: unknown }).error;
        const message = typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string' ? (error as { message: string }).message : JSON.stringify(error);
        throw new UpstreamError({ failure: 'bad_response', message: `${options.name} failed mid-stream: ${message}`, upstreamBody: value });
      }
      const chunk = isUpstreamChunk(value) ? value : chunkOf(value);
      if (chunk.choices.some((choice) => choice.finish_reason !== null && choice.finish_reason !== undefined)) finished = true;
      yield { chunk, raw: event.data };
    }
    // Some servers end without [DONE]; a stream that never finished a choice was cut off.
    if (!finished) throw badResponse('a stream that ended before the answer was finished');
  }

  return {
    type: options.type,

    async chat(request: ChatCompletionRequest, context: ProviderCallContext): Promise<ChatResult> {
      const stream = request.stream === true;
      const body = stream ? { ...request, stream_options: { ...request.stream_options, include_usage: true } } : request;
      const call = await callUpstream(options.http, options.name, urlFor('chat/completions', request.model), stream ? streamHeaders : headers, JSON.stringify(body), context, options.nowMs);
      if (stream) return { stream: true, chunks: streamChunks(call.response.body, context.timeoutMs, call.abort) };
      const text = await readBodyText(call.response.body, context.timeoutMs, options.name, call.abort, maxBodyBytes);
      const value = parseJson(text, 'a completion');
      return { stream: false, completion: isUpstreamCompletion(value) ? value : completionOf(value), raw: text };
    },

    async embed(request: EmbeddingsRequest, context: ProviderCallContext): Promise<EmbeddingsResponse> {
      const call = await callUpstream(options.http, options.name, urlFor('embeddings', request.model), headers, JSON.stringify(request), context, options.nowMs);
      const text = await readBodyText(call.response.body, context.timeoutMs, options.name, call.abort, maxBodyBytes);
      const parsed = upstreamEmbeddingsSchema.safeParse(parseJson(text, 'embeddings'));
      if (!parsed.success) throw badResponse(`embeddings of the wrong shape: ${parsed.error.issues[0]?.message ?? ''}`);
      return parsed.data as unknown as EmbeddingsResponse;
    },
  };
}
