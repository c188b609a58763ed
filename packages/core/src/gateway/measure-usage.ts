import type { ChatCompletion, ChatCompletionRequest, CompletionUsage, EmbeddingsRequest, ModelRoute } from '@keel/spec';
import type { CostCalculator } from '../traces/cost/index.ts';
import type { TokenCounter } from './gateway-ports.ts';
import type { UsageEstimate } from './plan-limit-counters.ts';

/** Output tokens reserved for a request that sets no max_tokens; an answer longer than this can overshoot a limit by the difference. */
export const defaultOutputReservation = 1024;

/** The most a request can cost: its prompt, its output cap (times n), at the dearest target's price. */
export function estimateUsage(request: ChatCompletionRequest, route: ModelRoute, tokens: TokenCounter, cost: CostCalculator): UsageEstimate {
  const promptTokens = tokens.prompt(request);
  const outputTokens = (request.max_completion_tokens ?? request.max_tokens ?? defaultOutputReservation) * (request.n ?? 1);
  let dearest = 0;
  for (const target of [...route.targets, ...route.fallbacks]) {
    dearest = Math.max(dearest, cost(target.model, { inputTokens: promptTokens, outputTokens, cachedInputTokens: 0 }) ?? 0);
  }
  return { tokens: promptTokens + outputTokens, costMicros: Math.ceil(dearest * 1e6) };
}

export interface MeasuredUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number | null;
  /** True when the upstream reported no usage and the tokenizer counted instead. */
  estimated: boolean;
}

/** Usage as the upstream reported it, or counted with the tokenizer and marked estimated: never a silent 0. */
export function measureUsage(usage: CompletionUsage | null | undefined, request: ChatCompletionRequest, completion: Pick<ChatCompletion, 'choices'> | null, tokens: TokenCounter): MeasuredUsage {
  if (usage !== null && usage !== undefined && Number.isFinite(usage.prompt_tokens) && Number.isFinite(usage.completion_tokens)) {
    return { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? null, estimated: false };
  }
  return { inputTokens: tokens.prompt(request), outputTokens: completion === null ? 0 : tokens.completion(completion), cachedInputTokens: null, estimated: true };
}

/** Tokens of an embeddings request's input: texts counted, token arrays taken as they are. */
export function countEmbeddingInputTokens(request: EmbeddingsRequest, tokens: TokenCounter): number {
  const input = request.input;
  if (typeof input === 'string') return tokens.text(input);
  let total = 0;
  for (const item of input) total += typeof item === 'string' ? tokens.text(item) : Array.isArray(item) ? item.length : 1;
  return total;
}
