import { absentOr, type ChatCompletion, type ChatCompletionChunk, isIntIn, isString, isWireObject, type WireObject } from '@keel/spec';

/**
 * Fast checks of an upstream's answers, as strict as `upstreamCompletionSchema` and
 * `upstreamChunkSchema`: what they accept, the schemas accept and return unchanged. The provider
 * tries them first and asks the schema only when they say no (the schema then words the error).
 */

const isCount = (value: unknown): boolean => isIntIn(value, 0);

function isUsage(value: unknown): boolean {
  if (!isWireObject(value)) return false;
  if (!isCount(value.prompt_tokens) || !isCount(value.completion_tokens) || !absentOr(value, 'total_tokens', isCount)) return false;
  return absentOr(value, 'prompt_tokens_details', (details) => isWireObject(details) && absentOr(details, 'cached_tokens', isCount), true);
}

function isHead(value: unknown): value is WireObject {
  return isWireObject(value) && isString(value.id) && isString(value.model) && Array.isArray(value.choices) && absentOr(value, 'usage', isUsage, true);
}

function isCompletionChoice(value: unknown): boolean {
  if (!isWireObject(value) || !Number.isSafeInteger(value.index)) return false;
  const message = value.message;
  if (!isWireObject(message) || !isString(message.role) || !absentOr(message, 'content', isString, true)) return false;
  return value.finish_reason === null || isString(value.finish_reason);
}

function isChunkChoice(value: unknown): boolean {
  if (!isWireObject(value) || !Number.isSafeInteger(value.index) || !isWireObject(value.delta)) return false;
  return absentOr(value, 'finish_reason', isString, true);
}

function allOf(values: unknown[], check: (value: unknown) => boolean): boolean {
  for (const value of values) if (!check(value)) return false;
  return true;
}

export function isUpstreamCompletion(value: unknown): value is ChatCompletion {
  return isHead(value) && allOf(value.choices as unknown[], isCompletionChoice);
}

export function isUpstreamChunk(value: unknown): value is ChatCompletionChunk {
  return isHead(value) && allOf(value.choices as unknown[], isChunkChoice);
}
