import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@keel/spec';
import type { GatewayOutcome } from './create-gateway-accounting.ts';
import type { GatewayCacheTools, GatewayCallContext } from './gateway-ports.ts';

/** A gateway chat answer: whole JSON text, or the JSON texts of a stream's events. */
export type GatewayChatAnswer =
  | { stream: false; body: string; headers: Record<string, string> }
  | {
      stream: true;
      headers: Record<string, string>;
      /** JSON texts of chat.completion.chunk events, to send as `data:` lines; ends before `[DONE]`. Throws on a mid-stream failure. */
      events: AsyncGenerator<string, void, undefined>;
    };

/** The chunk OpenAI sends last when asked for usage: no choices, only usage. */
export function isUsageOnly(chunk: ChatCompletionChunk): boolean {
  return chunk.choices.length === 0 && chunk.usage !== null && chunk.usage !== undefined;
}

/** The headers every gateway answer carries: request id, cache state, the target that answered. */
export function gatewayHeaders(outcome: Pick<GatewayOutcome, 'cache' | 'target'>, context: GatewayCallContext): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': context.requestId, 'x-keel-cache': outcome.cache };
  if (outcome.target !== null) headers['x-keel-target'] = `${outcome.target.provider}/${outcome.target.model}`;
  return headers;
}

/**
 * A completed answer given back as the request asks for it: whole, or replayed as a stream (the
 * usage chunk only when the client asked for usage). Answers from the caches take this path, and
 * so do providers that cannot stream.
 */
export function answerFromCompletion(completion: ChatCompletion, request: ChatCompletionRequest, headers: Record<string, string>, replay: GatewayCacheTools['replay']): GatewayChatAnswer {
  if (request.stream !== true) return { stream: false, body: JSON.stringify(completion), headers };
  const wantsUsage = request.stream_options?.include_usage === true;
  const chunks = replay(completion).filter((chunk) => wantsUsage || !isUsageOnly(chunk.chunk));
  async function* events(): AsyncGenerator<string, void, undefined> {
    for (const chunk of chunks) yield JSON.stringify(chunk.chunk);
  }
  return { stream: true, headers, events: events() };
}
