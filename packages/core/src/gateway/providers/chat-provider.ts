import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, EmbeddingsRequest, EmbeddingsResponse, ProviderType } from '@keel/spec';
import type { CallSignal } from '../call-signal.ts';

export interface ProviderCallContext {
  /** Aborted when the client goes away, on the target's timeout, or when the gateway gives up. */
  signal: CallSignal;
  /** Time allowed until the upstream's answer (headers) arrives. */
  timeoutMs: number;
}

/** One chunk of a stream; `raw` is the upstream JSON text, forwarded as is when given. */
export interface StreamChunk {
  chunk: ChatCompletionChunk;
  raw?: string | undefined;
}

export type ChatResult =
  | { stream: false; completion: ChatCompletion; /** Upstream JSON text when the completion is the upstream's, untouched. */ raw?: string | undefined }
  | { stream: true; chunks: AsyncIterable<StreamChunk> };

/**
 * A model provider, spoken to in OpenAI's shapes: the request has the upstream model name in
 * `model`. Failures before an answer throw an UpstreamError; a stream that fails part way throws
 * from its iterator.
 */
export interface ChatProvider {
  readonly type: ProviderType;
  chat(request: ChatCompletionRequest, context: ProviderCallContext): Promise<ChatResult>;
  embed(request: EmbeddingsRequest, context: ProviderCallContext): Promise<EmbeddingsResponse>;
  close?(): Promise<void>;
}
