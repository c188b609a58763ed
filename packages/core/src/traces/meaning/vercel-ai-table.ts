import type { AttributeValue, ChatMessage, SpanKind } from '@keel/spec';
import { type ConventionTable, rulesFor } from './field-rule.ts';
import type { MappingContext } from './mapping-context.ts';
import { messagesFromJson, type SpanIo } from './normalize-messages.ts';
import { normalizeVercelProvider } from './normalize-provider.ts';
import { asAttributeValue, isRecord, parseJsonText, readCount, readId, readNumber, readStringList, readText } from './read-value.ts';

const rule = rulesFor('vercel-ai');

/**
 * The AI SDK wraps each model call (`ai.generateText.doGenerate`) in a span for the whole call
 * (`ai.generateText`) that repeats the model and the summed usage. Only the model call reports
 * model, usage and timing here, so totals over a trace do not count the same tokens twice and
 * the outer span does not count as a generation.
 */
function isModelCall(context: MappingContext): boolean {
  const operation = context.attributes['ai.operationId'];
  return typeof operation === 'string' && (operation.endsWith('.doGenerate') || operation.endsWith('.doStream') || operation.endsWith('.doEmbed'));
}

function onModelCall<T>(read: (value: AttributeValue, context: MappingContext) => T | null) {
  return (value: AttributeValue, context: MappingContext): T | null => (isModelCall(context) ? read(value, context) : null);
}

/** AI SDK telemetry (`experimental_telemetry`), versions 4 to 6: `ai.*` attributes. */
export const vercelAiTable: ConventionTable = {
  convention: 'vercel-ai',
  fields: {
    kind: [
      rule.attribute('ai.operationId', operationKind),
      // `operation.name` is `<operationId> <functionId>`, for exporters that dropped the id.
      rule.attribute('operation.name', (value) => (typeof value === 'string' && value.startsWith('ai.') ? operationKind(value.split(' ', 1)[0] ?? '') : null)),
    ],
    provider: [rule.attribute('ai.model.provider', onModelCall(normalizeVercelProvider))],
    requestModel: [rule.attribute('ai.model.id', onModelCall(readText))],
    responseModel: [rule.attribute('ai.response.model', onModelCall(readText))],
    input: [
      rule.attribute('ai.prompt.messages', (value, context) => (typeof value === 'string' ? messagesFromJson(context.json('ai.prompt.messages', value)) : null)),
      rule.attribute('ai.prompt', (value, context) => (typeof value === 'string' ? promptInput(context.json('ai.prompt', value)) : null)),
      rule.attribute('ai.value', (value) => embeddingInput([value])),
      rule.attribute('ai.values', (value) => (Array.isArray(value) ? embeddingInput(value) : null)),
    ],
    output: [
      rule.attribute('ai.response.text', (value, context) => responseOutput(value, context)),
      rule.attribute('ai.response.toolCalls', (_value, context) => responseOutput('', context)),
      rule.attribute('ai.response.object', readText),
    ],
    inputTokens: [
      rule.attribute('ai.usage.inputTokens', onModelCall(readCount)),
      rule.attribute('ai.usage.promptTokens', onModelCall(readCount)),
      // Embedding calls report one count, all of it input.
      rule.attribute('ai.usage.tokens', onModelCall(readCount)),
    ],
    outputTokens: [rule.attribute('ai.usage.outputTokens', onModelCall(readCount)), rule.attribute('ai.usage.completionTokens', onModelCall(readCount))],
    cachedInputTokens: [
      rule.attribute('ai.usage.cachedInputTokens', onModelCall(readCount)),
      rule.attribute('ai.usage.inputTokenDetails.cacheReadTokens', onModelCall(readCount)),
    ],
    timeToFirstTokenMs: [rule.attribute('ai.response.msToFirstChunk', onModelCall(readNumber)), rule.attribute('ai.stream.msToFirstChunk', readNumber)],
    sessionId: [rule.attribute('ai.telemetry.metadata.sessionId', readId)],
    userId: [rule.attribute('ai.telemetry.metadata.userId', readId)],
    tags: [rule.attribute('ai.telemetry.metadata.tags', readStringList)],
  },
};

function operationKind(value: AttributeValue): SpanKind | null {
  if (typeof value !== 'string' || !value.startsWith('ai.')) return null;
  if (value === 'ai.toolCall') return 'tool';
  if (value.endsWith('.doEmbed')) return 'embedding';
  if (value.endsWith('.doGenerate') || value.endsWith('.doStream')) return 'llm';
  // ai.generateText, ai.streamText, ai.generateObject, ai.embed…: a call that wraps model calls.
  return 'chain';
}

/** `ai.prompt` is `{system?, prompt?, messages?}`: the call's arguments, not yet messages. */
function promptInput(prompt: unknown): SpanIo | null {
  if (!isRecord(prompt)) return null;
  const messages: ChatMessage[] = [];
  if (typeof prompt.system === 'string' && prompt.system.length > 0) messages.push({ role: 'system', content: prompt.system });
  if (typeof prompt.prompt === 'string') messages.push({ role: 'user', content: prompt.prompt });
  else messages.push(...(messagesFromJson(prompt.prompt) ?? []));
  messages.push(...(messagesFromJson(prompt.messages) ?? []));
  return messages.length > 0 ? messages : null;
}

/** Each embedded value is JSON text of its own; one value is the input itself, several stay a JSON list. */
function embeddingInput(values: AttributeValue[]): string | null {
  const parsed = values.map((value) => (typeof value === 'string' ? (parseJsonText(value) ?? value) : value));
  if (parsed.length === 1 && typeof parsed[0] === 'string') return parsed[0];
  return parsed.length > 0 ? JSON.stringify(parsed) : null;
}

function responseOutput(text: AttributeValue, context: MappingContext): ChatMessage[] | null {
  const toolCalls = context.attributes['ai.response.toolCalls'];
  const calls = typeof toolCalls === 'string' ? context.json('ai.response.toolCalls', toolCalls) : toolCalls;
  const content = typeof text === 'string' ? text : '';
  if (!Array.isArray(calls) || calls.length === 0) return content.length > 0 ? [{ role: 'assistant', content }] : null;
  const parts: AttributeValue[] = content.length > 0 ? [{ type: 'text', content }] : [];
  for (const call of calls) parts.push(asAttributeValue(call));
  return [{ role: 'assistant', content: parts }];
}
