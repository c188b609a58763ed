import type { Attributes, Span } from '@opentelemetry/api';
import { toGenAiInputMessages, toGenAiOutputMessages } from './to-gen-ai-messages.ts';

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Request parameters whose GenAI attribute is `gen_ai.request.<name>`. */
const numericParameters: [string, string][] = [
  ['temperature', 'gen_ai.request.temperature'],
  ['top_p', 'gen_ai.request.top_p'],
  ['frequency_penalty', 'gen_ai.request.frequency_penalty'],
  ['presence_penalty', 'gen_ai.request.presence_penalty'],
  ['seed', 'gen_ai.request.seed'],
  ['n', 'gen_ai.request.choice.count'],
];

/** What a chat completions request says about itself, as GenAI attributes. */
export function chatRequestAttributes(body: Json, maxChars: number): Attributes {
  const attributes: Attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' };
  if (typeof body.model === 'string') attributes['gen_ai.request.model'] = body.model;
  for (const [parameter, attribute] of numericParameters) {
    const value = body[parameter];
    if (typeof value === 'number') attributes[attribute] = value;
  }
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (typeof maxTokens === 'number') attributes['gen_ai.request.max_tokens'] = maxTokens;
  const stop = typeof body.stop === 'string' ? [body.stop] : Array.isArray(body.stop) ? body.stop.filter((item): item is string => typeof item === 'string') : [];
  if (stop.length > 0) attributes['gen_ai.request.stop_sequences'] = stop;
  attributes['gen_ai.input.messages'] = JSON.stringify(toGenAiInputMessages(body.messages, maxChars));
  return attributes;
}

/** Records a (possibly reassembled) chat completion: response id and model, output messages, finish reasons, usage. */
export function recordChatCompletion(span: Span, completion: Json, maxChars: number): void {
  if (typeof completion.id === 'string') span.setAttribute('gen_ai.response.id', completion.id);
  if (typeof completion.model === 'string') span.setAttribute('gen_ai.response.model', completion.model);
  const choices = Array.isArray(completion.choices) ? completion.choices : [];
  span.setAttribute('gen_ai.output.messages', JSON.stringify(toGenAiOutputMessages(choices, maxChars)));
  const finishReasons = choices.filter(isRecord).flatMap((choice) => (typeof choice.finish_reason === 'string' ? [choice.finish_reason] : []));
  if (finishReasons.length > 0) span.setAttribute('gen_ai.response.finish_reasons', finishReasons);
  recordUsage(span, completion.usage);
}

/** OpenAI usage as GenAI usage; cached tokens are part of input tokens in both. */
export function recordUsage(span: Span, usage: unknown): void {
  if (!isRecord(usage)) return;
  if (typeof usage.prompt_tokens === 'number') span.setAttribute('gen_ai.usage.input_tokens', usage.prompt_tokens);
  if (typeof usage.completion_tokens === 'number') span.setAttribute('gen_ai.usage.output_tokens', usage.completion_tokens);
  const details = usage.prompt_tokens_details;
  if (isRecord(details) && typeof details.cached_tokens === 'number') span.setAttribute('gen_ai.usage.cache_read.input_tokens', details.cached_tokens);
}
