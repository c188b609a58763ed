import type { AttributeValue, ChatMessage, SpanKind } from '@keel/spec';
import { type ConventionTable, rulesFor } from './field-rule.ts';
import type { IndexedItem, MappingContext } from './mapping-context.ts';
import { ioFromText, messagesFromIndexed, type SpanIo } from './normalize-messages.ts';
import { normalizeProvider } from './normalize-provider.ts';
import { isRecord, readCount, readId, readNumber, readStringList, readText, readVersion } from './read-value.ts';

const rule = rulesFor('openinference');

const spanKinds: Record<string, SpanKind> = {
  LLM: 'llm',
  EMBEDDING: 'embedding',
  CHAIN: 'chain',
  RETRIEVER: 'retrieval',
  RERANKER: 'retrieval',
  TOOL: 'tool',
  AGENT: 'agent',
  GUARDRAIL: 'guardrail',
  EVALUATOR: 'evaluator',
  PROMPT: 'chain',
};

/** The instrumentations add this event at the first streamed chunk, and record no time-to-first-token attribute. */
const firstTokenEvent = 'First Token Stream Event';

/** OpenInference semantic conventions (Arize; spec/semantic_conventions.md). */
export const openInferenceTable: ConventionTable = {
  convention: 'openinference',
  fields: {
    kind: [rule.attribute('openinference.span.kind', (value) => (typeof value === 'string' ? (spanKinds[value.toUpperCase()] ?? null) : null))],
    provider: [rule.attribute('llm.provider', normalizeProvider), rule.attribute('llm.system', normalizeProvider)],
    requestModel: [
      rule.attribute('llm.request.model_name', readText),
      // llm.model_name is overwritten with the response's model once it answers; the request's is in the parameters.
      rule.attribute('llm.invocation_parameters', (value, context) => (typeof value === 'string' ? modelOf(context.json('llm.invocation_parameters', value)) : null)),
      rule.attribute('llm.model_name', readText),
      rule.attribute('embedding.model_name', readText),
    ],
    responseModel: [rule.attribute('llm.response.model_name', readText), rule.attribute('llm.model_name', readText), rule.attribute('embedding.model_name', readText)],
    input: [
      rule.indexed('llm.input_messages.', (items) => messagesFromIndexed(items, 'message.', 'user')),
      rule.attribute('input.value', (value, context) => freeText(value, context, 'input')),
    ],
    output: [
      rule.indexed('llm.output_messages.', (items) => messagesFromIndexed(items, 'message.', 'assistant')),
      rule.indexed('retrieval.documents.', documents),
      rule.attribute('output.value', (value, context) => freeText(value, context, 'output')),
    ],
    inputTokens: [rule.attribute('llm.token_count.prompt', readCount)],
    outputTokens: [rule.attribute('llm.token_count.completion', readCount)],
    cachedInputTokens: [rule.attribute('llm.token_count.prompt_details.cache_read', readCount)],
    providedCost: [rule.attribute('llm.cost.total', readNumber)],
    timeToFirstTokenMs: [rule.derived(`event "${firstTokenEvent}"`, firstTokenMs)],
    sessionId: [rule.attribute('session.id', readId)],
    userId: [rule.attribute('user.id', readId)],
    tags: [rule.attribute('tag.tags', readStringList)],
    promptVersion: [rule.attribute('llm.prompt_template.version', readVersion)],
  },
};

function modelOf(parameters: unknown): string | null {
  return isRecord(parameters) && typeof parameters.model === 'string' && parameters.model.length > 0 ? parameters.model : null;
}

/** `input.value` is JSON only when `input.mime_type` says so; plain text stays text. */
function freeText(value: AttributeValue, context: MappingContext, side: 'input' | 'output'): SpanIo | null {
  if (typeof value !== 'string') return null;
  const key = `${side}.value`;
  if (context.attributes[`${side}.mime_type`] !== 'application/json') return value.length > 0 ? value : null;
  return ioFromText(value, () => context.json(key, value));
}

/** A retriever's documents are its output; each becomes one `document` entry. */
function documents(items: IndexedItem[]): ChatMessage[] | null {
  const result: ChatMessage[] = [];
  for (const { fields } of items) {
    const document: Record<string, AttributeValue> = {};
    for (const [field, value] of fields) {
      if (field.startsWith('document.')) document[field.slice('document.'.length)] = value;
    }
    result.push({ role: 'document', content: document });
  }
  return result.length > 0 ? result : null;
}

function firstTokenMs(context: MappingContext): number | null {
  const events = context.span.events;
  if (!Array.isArray(events)) return null;
  for (const event of events) {
    if (event?.name !== firstTokenEvent) continue;
    const milliseconds = (Number(event.timeUnixNano) - Number(context.span.startTimeUnixNano)) / 1e6;
    return Number.isFinite(milliseconds) && milliseconds >= 0 ? milliseconds : null;
  }
  return null;
}
