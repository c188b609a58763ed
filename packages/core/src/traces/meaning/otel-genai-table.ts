import type { AttributeValue, ChatMessage, SpanKind } from '@keel/spec';
import { type ConventionTable, rulesFor } from './field-rule.ts';
import type { MappingContext } from './mapping-context.ts';
import { messagesFromIndexed, messagesFromJson, textOf } from './normalize-messages.ts';
import { normalizeProvider } from './normalize-provider.ts';
import { readCount, readNumber, readText } from './read-value.ts';

const current = rulesFor('otel-genai');
const deprecated = rulesFor('otel-genai-deprecated');

const operationKinds: Record<string, SpanKind> = {
  chat: 'llm',
  text_completion: 'llm',
  generate_content: 'llm',
  // Older instrumentations and Langfuse also accept these two.
  completion: 'llm',
  generate: 'llm',
  embeddings: 'embedding',
  retrieval: 'retrieval',
  execute_tool: 'tool',
  create_agent: 'agent',
  invoke_agent: 'agent',
  invoke_workflow: 'chain',
};

/** OpenLLMetry's `llm.request.type`, from before `gen_ai.operation.name` existed. */
const requestTypeKinds: Record<string, SpanKind> = { chat: 'llm', completion: 'llm', embedding: 'embedding', rerank: 'retrieval' };

/**
 * OpenTelemetry GenAI semantic conventions (gen-ai-spans.md, status Development), current names
 * first, then the deprecated names instrumentations on semconv <= 1.36 still emit.
 */
export const otelGenAiTable: ConventionTable = {
  convention: 'otel-genai',
  fields: {
    kind: [
      current.attribute('gen_ai.operation.name', (value) => lookup(operationKinds, value)),
      deprecated.attribute('llm.request.type', (value) => lookup(requestTypeKinds, value)),
    ],
    provider: [
      current.attribute('gen_ai.provider.name', normalizeProvider),
      deprecated.attribute('gen_ai.system', normalizeProvider),
    ],
    requestModel: [current.attribute('gen_ai.request.model', readText)],
    responseModel: [current.attribute('gen_ai.response.model', readText)],
    input: [
      current.attribute('gen_ai.input.messages', (value, context) => withSystemInstructions(messagesFrom(value, context, 'gen_ai.input.messages'), context)),
      current.attribute('gen_ai.system_instructions', (_value, context) => withSystemInstructions([], context)),
      deprecated.indexed('gen_ai.prompt.', (items) => messagesFromIndexed(items, '', 'user')),
    ],
    output: [
      current.attribute('gen_ai.output.messages', (value, context) => messagesFrom(value, context, 'gen_ai.output.messages')),
      deprecated.indexed('gen_ai.completion.', (items) => messagesFromIndexed(items, '', 'assistant')),
    ],
    inputTokens: [current.attribute('gen_ai.usage.input_tokens', readCount), deprecated.attribute('gen_ai.usage.prompt_tokens', readCount)],
    outputTokens: [current.attribute('gen_ai.usage.output_tokens', readCount), deprecated.attribute('gen_ai.usage.completion_tokens', readCount)],
    cachedInputTokens: [current.attribute('gen_ai.usage.cache_read.input_tokens', readCount)],
    // Not in the spec; Langfuse reads it, and some gateways write it.
    providedCost: [current.attribute('gen_ai.usage.cost', readNumber)],
    timeToFirstTokenMs: [current.attribute('gen_ai.response.time_to_first_chunk', (value) => secondsToMs(readNumber(value)))],
    sessionId: [current.attribute('gen_ai.conversation.id', readText)],
  },
};

function lookup(table: Record<string, SpanKind>, value: AttributeValue): SpanKind | null {
  return typeof value === 'string' && Object.hasOwn(table, value) ? (table[value] ?? null) : null;
}

/** The message attributes are JSON text or, where the SDK allows, structured values. */
function messagesFrom(value: AttributeValue, context: MappingContext, key: string): ChatMessage[] | null {
  return messagesFromJson(typeof value === 'string' ? context.json(key, value) : value);
}

/** `gen_ai.system_instructions` is kept apart from the messages; the mapper puts it first, as a system message. */
function withSystemInstructions(messages: ChatMessage[] | null, context: MappingContext): ChatMessage[] | null {
  const instructions = context.attributes['gen_ai.system_instructions'];
  if (instructions === undefined) return messages;
  const parsed = typeof instructions === 'string' ? context.json('gen_ai.system_instructions', instructions) : instructions;
  // Plain text that is not JSON is also accepted: the spec allows a string.
  const content = parsed === undefined ? instructions : (textOf(parsed) ?? (parsed as AttributeValue));
  if (content === '' || content === null) return messages;
  return [{ role: 'system', content }, ...(messages ?? [])];
}

function secondsToMs(seconds: number | null): number | null {
  if (seconds === null) return null;
  // A huge finite number of seconds overflows to Infinity in milliseconds: no meaning then.
  const ms = seconds * 1000;
  return Number.isFinite(ms) ? ms : null;
}
