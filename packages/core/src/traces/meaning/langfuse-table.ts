import type { AttributeValue, SpanKind } from '@keel/spec';
import { type ConventionTable, rulesFor } from './field-rule.ts';
import type { MappingContext } from './mapping-context.ts';
import { ioFromText, type SpanIo } from './normalize-messages.ts';
import { isRecord, parseJsonText, readCount, readId, readNumber, readStringList, readText, readVersion } from './read-value.ts';

const rule = rulesFor('langfuse');

const observationKinds: Record<string, SpanKind> = {
  generation: 'llm',
  embedding: 'embedding',
  retriever: 'retrieval',
  tool: 'tool',
  agent: 'agent',
  chain: 'chain',
  guardrail: 'guardrail',
  evaluator: 'evaluator',
  span: 'span',
  event: 'span',
};

/** Usage keys Langfuse counts apart from `input`; the mapper adds them back (inputTokens includes cached, as in OTel GenAI). */
const cacheReadKeys = ['cache_read_input_tokens', 'input_cached_tokens', 'input_cache_read', 'cached_tokens'];
const cacheWriteKeys = ['cache_creation_input_tokens', 'input_cache_creation'];

/**
 * `langfuse.*` attributes the Langfuse SDKs write (packages/shared/src/server/otel/attributes.ts),
 * first in every field: an app that set them chose them over what its instrumentation derived.
 */
export const langfuseTable: ConventionTable = {
  convention: 'langfuse',
  fields: {
    kind: [rule.attribute('langfuse.observation.type', (value) => (typeof value === 'string' ? (observationKinds[value.toLowerCase()] ?? null) : null))],
    requestModel: [rule.attribute('langfuse.observation.model.name', readText)],
    input: [rule.attribute('langfuse.observation.input', (value, context) => io(value, context, 'langfuse.observation.input'))],
    output: [rule.attribute('langfuse.observation.output', (value, context) => io(value, context, 'langfuse.observation.output'))],
    inputTokens: [rule.attribute('langfuse.observation.usage_details', (value, context) => inputTokens(usage(value, context)))],
    outputTokens: [rule.attribute('langfuse.observation.usage_details', (value, context) => firstCount(usage(value, context), ['output', 'completion_tokens', 'output_tokens', 'completionTokens']))],
    cachedInputTokens: [rule.attribute('langfuse.observation.usage_details', (value, context) => firstCount(usage(value, context), cacheReadKeys))],
    providedCost: [rule.attribute('langfuse.observation.cost_details', (value, context) => totalCost(value, context))],
    timeToFirstTokenMs: [rule.attribute('langfuse.observation.completion_start_time', completionStartMs)],
    sessionId: [rule.attribute('langfuse.session.id', readId)],
    userId: [rule.attribute('langfuse.user.id', readId)],
    tags: [rule.attribute('langfuse.trace.tags', readStringList)],
    promptName: [rule.attribute('langfuse.observation.prompt.name', readText)],
    promptVersion: [rule.attribute('langfuse.observation.prompt.version', readVersion)],
    error: [
      rule.attribute('langfuse.observation.status_message', (value, context) =>
        context.attributes['langfuse.observation.level'] === 'ERROR' ? readText(value) : null,
      ),
    ],
  },
};

/** The SDK serialises input and output to JSON, except strings, which it sends as they are. */
function io(value: AttributeValue, context: MappingContext, key: string): SpanIo | null {
  return typeof value === 'string' ? ioFromText(value, () => context.json(key, value)) : null;
}

function usage(value: AttributeValue, context: MappingContext): Record<string, unknown> | null {
  const parsed = typeof value === 'string' ? context.json('langfuse.observation.usage_details', value) : value;
  return isRecord(parsed) ? parsed : null;
}

function inputTokens(details: Record<string, unknown> | null): number | null {
  const input = firstCount(details, ['input', 'prompt_tokens', 'input_tokens', 'promptTokens']);
  if (input === null || details === null) return input;
  return input + (firstCount(details, cacheReadKeys) ?? 0) + (firstCount(details, cacheWriteKeys) ?? 0);
}

function firstCount(details: Record<string, unknown> | null, keys: readonly string[]): number | null {
  if (details === null) return null;
  for (const key of keys) {
    const count = readCount(details[key]);
    if (count !== null) return count;
  }
  return null;
}

/** `total` when sent, else the sum of the parts. */
function totalCost(value: AttributeValue, context: MappingContext): number | null {
  const parsed = typeof value === 'string' ? context.json('langfuse.observation.cost_details', value) : value;
  if (!isRecord(parsed)) return null;
  const total = readNumber(parsed.total);
  if (total !== null) return total;
  let sum: number | null = null;
  for (const part of Object.values(parsed)) {
    const amount = readNumber(part);
    if (amount !== null) sum = (sum ?? 0) + amount;
  }
  return sum;
}

/** An ISO time (the SDK JSON-encodes it, quotes included), relative to the span's start. */
function completionStartMs(value: AttributeValue, context: MappingContext): number | null {
  if (typeof value !== 'string') return null;
  const text = value.startsWith('"') ? parseJsonText(value) : value;
  if (typeof text !== 'string') return null;
  const milliseconds = Date.parse(text) - Number(context.span.startTimeUnixNano) / 1e6;
  return Number.isFinite(milliseconds) && milliseconds >= 0 ? milliseconds : null;
}
