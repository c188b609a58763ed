import type { AttributeValue, ChatMessage } from '@keel/spec';
import type { IndexedItem } from './mapping-context.ts';
import { asAttributeValue, isRecord } from './read-value.ts';

/** Input or output as the mapper returns it. */
export type SpanIo = ChatMessage[] | string;

/**
 * Messages from parsed JSON in any of the shapes conventions use: OpenAI's (`content` text or
 * `[{type:'text', text}]`), OTel GenAI's (`parts: [{type:'text', content}]`), the AI SDK's
 * (`content` parts with `tool-call`), or one message object alone. Null when it is not messages.
 */
export function messagesFromJson(value: unknown): ChatMessage[] | null {
  const list = Array.isArray(value) ? value : isRecord(value) && typeof value.role === 'string' ? [value] : null;
  if (list === null || list.length === 0) return null;
  const messages: ChatMessage[] = [];
  for (const item of list) {
    if (!isRecord(item) || typeof item.role !== 'string') return null;
    messages.push({ role: item.role, content: contentOf(item) });
  }
  return messages;
}

/** A message's content: text when every part is text, else the parts as sent (tool calls kept). */
function contentOf(message: Record<string, unknown>): AttributeValue {
  const content = message.parts ?? message.content;
  const toolCalls = message.tool_calls;
  const text = textOf(content);
  if (Array.isArray(toolCalls) && toolCalls.length > 0) {
    const parts: AttributeValue[] = text === null ? (Array.isArray(content) ? content.map(asAttributeValue) : []) : text === '' ? [] : [{ type: 'text', content: text }];
    for (const call of toolCalls) parts.push(asAttributeValue(call));
    return parts;
  }
  return text ?? asAttributeValue(content);
}

/** Text when the content is text or only text parts; null otherwise. */
export function textOf(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (content === undefined || content === null) return '';
  if (!Array.isArray(content)) return null;
  const texts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') {
      texts.push(part);
      continue;
    }
    if (!isRecord(part) || part.type !== 'text') return null;
    const text = part.content ?? part.text;
    if (typeof text !== 'string') return null;
    texts.push(text);
  }
  return texts.join('\n');
}

/**
 * Messages flattened into attributes (`prefix.N.role`, `prefix.N.content`, tool calls as
 * `tool_calls.M.*`), as OpenLLMetry writes `gen_ai.prompt.N.*` and OpenInference writes
 * `llm.input_messages.N.message.*` (then `fieldPrefix` is `message.`).
 */
export function messagesFromIndexed(items: IndexedItem[], fieldPrefix: string, defaultRole: string): ChatMessage[] | null {
  const messages: ChatMessage[] = [];
  for (const { fields } of items) {
    const role = fields.get(`${fieldPrefix}role`);
    const content = fields.get(`${fieldPrefix}content`);
    const parts = nestedList(fields, `${fieldPrefix}contents.`);
    const toolCalls = nestedList(fields, `${fieldPrefix}tool_calls.`);
    let normalized: AttributeValue = typeof content === 'string' ? content : content === undefined ? '' : content;
    if (parts.length > 0 && content === undefined) {
      const contentParts = parts.map(openInferencePart);
      normalized = textOf(contentParts) ?? contentParts;
    }
    if (toolCalls.length > 0) {
      const withCalls: AttributeValue[] = typeof normalized === 'string' ? (normalized === '' ? [] : [{ type: 'text', content: normalized }]) : Array.isArray(normalized) ? normalized : [normalized];
      for (const call of toolCalls) withCalls.push({ type: 'tool_call', ...call });
      normalized = withCalls;
    }
    messages.push({ role: typeof role === 'string' && role.length > 0 ? role : defaultRole, content: normalized });
  }
  return messages.length > 0 ? messages : null;
}

/** `message_content.type/text/image.image.url` → `{type, text}` or `{type, url}`. */
function openInferencePart(part: Record<string, AttributeValue>): AttributeValue {
  const type = part['message_content.type'] ?? part.type ?? 'text';
  const text = part['message_content.text'] ?? part.text ?? part.content;
  if (type === 'text' && typeof text === 'string') return { type: 'text', text };
  const url = part['message_content.image.image.url'];
  return url === undefined ? { ...part } : { type: typeof type === 'string' ? type : 'image', url };
}

/** `tool_calls.0.tool_call.function.name` → `[{ 'tool_call.function.name': … }]`, in index order. */
function nestedList(fields: Map<string, AttributeValue>, prefix: string): Record<string, AttributeValue>[] {
  let items: Map<number, Record<string, AttributeValue>> | undefined;
  for (const [key, value] of fields) {
    if (!key.startsWith(prefix)) continue;
    const dot = key.indexOf('.', prefix.length);
    const index = Number(key.slice(prefix.length, dot));
    if (dot < 0 || !Number.isInteger(index)) continue;
    items ??= new Map();
    let item = items.get(index);
    if (item === undefined) items.set(index, (item = {}));
    item[stripToolCallPrefix(key.slice(dot + 1))] = value;
  }
  return items === undefined ? [] : [...items].sort((a, b) => a[0] - b[0]).map(([, item]) => item);
}

/** OpenInference nests `tool_call.function.name`; keep the short names every convention shares. */
function stripToolCallPrefix(field: string): string {
  if (field.startsWith('tool_call.function.')) return field.slice('tool_call.function.'.length);
  if (field.startsWith('tool_call.')) return field.slice('tool_call.'.length);
  return field;
}

/**
 * Free-form input or output text (OpenInference `input.value`, Langfuse `observation.input`):
 * messages when the JSON holds messages (also a chat request's `messages` or a response's
 * `choices`), a string when it holds a string, else the text as sent.
 */
export function ioFromText(text: string, parse: () => unknown): SpanIo | null {
  if (text.length === 0) return null;
  const first = text.charCodeAt(0);
  // Only JSON that can hold messages or a string is worth parsing; other text stays as it is.
  if (first !== 123 /* { */ && first !== 91 /* [ */ && first !== 34 /* " */) return text;
  const value = parse();
  if (typeof value === 'string') return value;
  const messages = messagesFromJson(value) ?? (isRecord(value) ? messagesFromJson(value.messages) ?? choicesMessages(value.choices) : null);
  return messages ?? text;
}

function choicesMessages(choices: unknown): ChatMessage[] | null {
  if (!Array.isArray(choices)) return null;
  return messagesFromJson(choices.map((choice) => (isRecord(choice) ? choice.message : undefined)));
}
