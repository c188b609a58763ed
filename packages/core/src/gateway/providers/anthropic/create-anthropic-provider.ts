import { KeelError, type ChatCompletionRequest, type EmbeddingsResponse } from '@keel/spec';
import type { Clock } from '../../../ports.ts';
import type { HttpClient } from '../../http-client.ts';
import { callUpstream } from '../call-upstream.ts';
import type { ChatProvider, ChatResult, ProviderCallContext, StreamChunk } from '../chat-provider.ts';
import { readSseEvents } from '../read-sse-events.ts';
import { toTransportFailure } from '../read-upstream-failure.ts';
import { isUpstreamError, UpstreamError } from '../upstream-error.ts';
import { readBodyText, withIdleTimeout } from '../with-idle-timeout.ts';
import { ANTHROPIC_VERSION } from './anthropic-wire.ts';
import { fromAnthropicMessage } from './from-anthropic-message.ts';
import { toAnthropicRequest } from './to-anthropic-request.ts';
import { toOpenAiErrorBody } from './to-openai-error-body.ts';
import { translateAnthropicStream } from './translate-anthropic-stream.ts';

export const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com/v1';

export interface AnthropicProviderOptions {
  http: HttpClient;
  /** Defaults to https://api.anthropic.com/v1; `/messages` is appended. */
  baseUrl?: string | undefined;
  apiKey: string;
  /** Extra headers (an `anthropic-beta` flag, say); they win over the defaults. */
  headers?: Record<string, string> | undefined;
  clock?: Clock | undefined;
  /** The provider's configured name, used in error messages. */
  name?: string | undefined;
  /** Largest non-streamed upstream body accepted. */
  maxBodyBytes?: number | undefined;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * Anthropic's Messages API behind the OpenAI shapes the gateway speaks: requests are translated
 * to Anthropic's, answers, stream events and errors back to OpenAI's.
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): ChatProvider {
  const url = `${(options.baseUrl ?? DEFAULT_ANTHROPIC_BASE_URL).replace(/\/+$/, '')}/messages`;
  const name = options.name ?? 'Anthropic';
  const clock = options.clock ?? systemClock;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': options.apiKey, 'anthropic-version': ANTHROPIC_VERSION, ...options.headers };
  const streamHeaders = { ...headers, accept: 'text/event-stream' };
  const nowMs = (): number => clock.now();

  async function send(request: ChatCompletionRequest, context: ProviderCallContext) {
    const stream = request.stream === true;
    try {
      return await callUpstream(options.http, name, url, stream ? streamHeaders : headers, JSON.stringify(toAnthropicRequest(request)), context, nowMs);
    } catch (error) {
      if (isUpstreamError(error) && error.failure === 'status') throw withOpenAiBody(error);
      throw error;
    }
  }

  async function* streamChunks(body: AsyncIterable<Uint8Array>, context: ProviderCallContext, abort: () => void): AsyncGenerator<StreamChunk> {
    const created = Math.floor(nowMs() / 1000);
    try {
      yield* translateAnthropicStream(readSseEvents(withIdleTimeout(body, context.timeoutMs, name, abort)), created);
    } catch (error) {
      // A connection reset part way arrives as the HTTP client's own error.
      if (isUpstreamError(error)) throw error;
      throw toTransportFailure(error, name, context.signal, false);
    }
  }

  return {
    type: 'anthropic',

    async chat(request: ChatCompletionRequest, context: ProviderCallContext): Promise<ChatResult> {
      const call = await send(request, context);
      if (request.stream === true) return { stream: true, chunks: streamChunks(call.response.body, context, call.abort) };
      let text: string;
      try {
        text = await readBodyText(call.response.body, context.timeoutMs, name, call.abort, maxBodyBytes);
      } catch (error) {
        if (isUpstreamError(error)) throw error;
        throw toTransportFailure(error, name, context.signal, false);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new UpstreamError({ failure: 'bad_response', message: `${name} sent a body that is not JSON: ${text.slice(0, 200)}`, cause: error });
      }
      return { stream: false, completion: fromAnthropicMessage(json, Math.floor(nowMs() / 1000)) };
    },

    embed(): Promise<EmbeddingsResponse> {
      return Promise.reject(new KeelError('INVALID_PARAMETER_VALUE', 'Anthropic has no embeddings API: route embedding models to another provider', { details: { param: 'model' } }));
    },
  };
}

/** The same failure, with Anthropic's error body in OpenAI's shape for the gateway to pass on. */
function withOpenAiBody(error: UpstreamError): UpstreamError {
  return new UpstreamError({
    failure: error.failure,
    status: error.status,
    message: error.message,
    retryAfterMs: error.retryAfterMs,
    upstreamBody: toOpenAiErrorBody(error.upstreamBody, error.status, error.message),
    cause: error.cause,
  });
}
