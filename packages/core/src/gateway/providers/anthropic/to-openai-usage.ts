import type { CompletionUsage } from '@keel/spec';
import type { AnthropicUsage } from './anthropic-wire.ts';

/**
 * Anthropic's usage as OpenAI's. Anthropic's input_tokens leaves out the tokens read from and
 * written to its prompt cache; OpenAI's prompt_tokens counts every prompt token, with the cached
 * ones repeated in prompt_tokens_details, so the three are added up for cost and limits to be right.
 */
export function toOpenAiUsage(usage: AnthropicUsage): CompletionUsage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const promptTokens = (usage.input_tokens ?? 0) + cacheRead + (usage.cache_creation_input_tokens ?? 0);
  const completionTokens = usage.output_tokens ?? 0;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
}
