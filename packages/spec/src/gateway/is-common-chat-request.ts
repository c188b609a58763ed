import type { ChatCompletionRequest } from './openai-wire.ts';
import { absentOr, isBoolean, isIntIn, isNumberIn, isString, isStringOfLength, isWireObject } from './wire-checks.ts';

function isPlainMessage(value: unknown): boolean {
  if (!isWireObject(value)) return false;
  const role = value.role;
  if (role === 'system' || role === 'developer' || role === 'user') return isString(value.content) && absentOr(value, 'name', isString);
  if (role === 'assistant') {
    // Tool calls and refusals take zod's path; a plain answer is content and maybe a name.
    const content = value.content;
    return (content === undefined || content === null || isString(content)) && absentOr(value, 'name', isString) && value.tool_calls === undefined && value.refusal === undefined;
  }
  if (role === 'tool') return isString(value.content) && isString(value.tool_call_id);
  return false;
}

function isMessageList(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const message of value) if (!isPlainMessage(message)) return false;
  return true;
}

function isStop(value: unknown): boolean {
  if (isString(value)) return true;
  if (!Array.isArray(value) || value.length > 4) return false;
  for (const item of value) if (!isString(item)) return false;
  return true;
}

function isStreamOptions(value: unknown): boolean {
  return isWireObject(value) && absentOr(value, 'include_usage', isBoolean);
}

const isPositiveInt = (value: unknown): boolean => isIntIn(value, 1);

/** The optional top-level fields and their checks: `true` in `nullable` where the schema allows null. */
const optionalFields: readonly (readonly [key: string, check: (value: unknown) => boolean, nullable: boolean])[] = [
  ['stream', isBoolean, true],
  ['stream_options', isStreamOptions, true],
  ['max_tokens', isPositiveInt, true],
  ['max_completion_tokens', isPositiveInt, true],
  ['temperature', (value) => isNumberIn(value, 0, 2), true],
  ['top_p', (value) => isNumberIn(value, 0, 1), true],
  ['n', (value) => isIntIn(value, 1, 128), true],
  ['stop', isStop, true],
  ['seed', Number.isSafeInteger, true],
  ['logprobs', isBoolean, true],
  ['top_logprobs', (value) => isIntIn(value, 0, 20), true],
  ['tool_choice', (value) => value === 'none' || value === 'auto' || value === 'required', false],
  ['user', isString, false],
];

/**
 * A fast check for the chat requests most clients send: text messages, sampling parameters, stop,
 * streaming. It accepts only what `chatCompletionRequestSchema` accepts, and the schema returns
 * such a value unchanged, so an accepted value can be used as it is. Anything else (tools,
 * response_format, content parts, tool calls) answers false and goes through the schema, which
 * also words the error.
 */
export function isCommonChatRequest(value: unknown): value is ChatCompletionRequest {
  if (!isWireObject(value)) return false;
  if (!isStringOfLength(value.model, 1, 256) || !isMessageList(value.messages)) return false;
  if (value.tools !== undefined || value.response_format !== undefined) return false;
  for (const [key, check, nullable] of optionalFields) if (!absentOr(value, key, check, nullable)) return false;
  return true;
}
