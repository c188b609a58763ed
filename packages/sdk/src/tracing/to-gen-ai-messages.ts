import { truncateText } from './to-attribute-text.ts';

/** One message in the OTel GenAI parts format (`gen_ai.input.messages` / `gen_ai.output.messages`). */
export interface GenAiMessage {
  role: string;
  parts: GenAiPart[];
  name?: string;
  finish_reason?: string;
}

export type GenAiPart =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id: string | null; name: string; arguments: unknown }
  | { type: 'tool_call_response'; id: string | null; response: unknown }
  | { type: 'uri'; modality: string; uri: string }
  | { type: string; [key: string]: unknown };

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** OpenAI chat request messages in the GenAI parts format; texts are bounded so the JSON stays whole. */
export function toGenAiInputMessages(messages: unknown, maxChars: number): GenAiMessage[] {
  if (!Array.isArray(messages)) return [];
  return messages.filter(isRecord).map((message) => toGenAiMessage(message, maxChars));
}

/** OpenAI chat response choices (`choices[].message` and `finish_reason`) as GenAI output messages. */
export function toGenAiOutputMessages(choices: unknown, maxChars: number): GenAiMessage[] {
  if (!Array.isArray(choices)) return [];
  return choices.filter(isRecord).map((choice) => {
    const message = toGenAiMessage(isRecord(choice.message) ? choice.message : { role: 'assistant' }, maxChars);
    const finishReason = text(choice.finish_reason);
    return finishReason === undefined ? message : { ...message, finish_reason: finishReason };
  });
}

function toGenAiMessage(message: Json, maxChars: number): GenAiMessage {
  const role = text(message.role) ?? 'user';
  const parts: GenAiPart[] = [];
  if (role === 'tool') {
    parts.push({ type: 'tool_call_response', id: text(message.tool_call_id) ?? null, response: contentText(message.content, maxChars) });
  } else {
    parts.push(...contentParts(message.content, maxChars));
    const refusal = text(message.refusal);
    if (refusal !== undefined) parts.push({ type: 'refusal', content: truncateText(refusal, maxChars) });
    if (Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls.filter(isRecord)) {
        const fn = isRecord(call.function) ? call.function : {};
        parts.push({ type: 'tool_call', id: text(call.id) ?? null, name: text(fn.name) ?? '', arguments: parseArguments(text(fn.arguments) ?? '', maxChars) });
      }
    }
  }
  const name = text(message.name);
  return name === undefined ? { role, parts } : { role, parts, name };
}

function contentParts(content: unknown, maxChars: number): GenAiPart[] {
  if (typeof content === 'string') return [{ type: 'text', content: truncateText(content, maxChars) }];
  if (!Array.isArray(content)) return [];
  return content.filter(isRecord).map((part): GenAiPart => {
    if (part.type === 'text') return { type: 'text', content: truncateText(text(part.text) ?? '', maxChars) };
    if (part.type === 'image_url' && isRecord(part.image_url)) return { type: 'uri', modality: 'image', uri: truncateText(text(part.image_url.url) ?? '', maxChars) };
    // Audio, files and whatever comes next: named by type, their (possibly huge, base64) payload left out.
    return { type: text(part.type) ?? 'unknown' };
  });
}

function contentText(content: unknown, maxChars: number): string {
  if (typeof content === 'string') return truncateText(content, maxChars);
  if (!Array.isArray(content)) return '';
  return truncateText(content.filter(isRecord).map((part) => text(part.text) ?? '').join(''), maxChars);
}

/** Tool arguments as the object they encode when they are JSON (as GenAI wants), else as text. */
function parseArguments(argumentsText: string, maxChars: number): unknown {
  if (argumentsText.length > maxChars) return truncateText(argumentsText, maxChars);
  try {
    return JSON.parse(argumentsText) as unknown;
  } catch {
    return argumentsText;
  }
}
