/** One piece of a chat message as the UI draws it. */
export type MessagePart =
  | { kind: 'text'; text: string }
  | { kind: 'tool_call'; name: string; id: string | null; args: unknown }
  | { kind: 'tool_result'; id: string | null; result: unknown }
  | { kind: 'json'; value: unknown };

export interface ConversationMessage {
  role: string;
  parts: MessagePart[];
}

export interface RetrievedDocument {
  id: string | null;
  content: string;
  score: number | null;
  metadata: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Tool-call arguments arrive as JSON text or as an object; text that parses is shown as the object. */
export function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** A field named `name` or ending in `.name` (OpenInference flattens `tool_call.function.name`). */
function fieldEnding(record: Record<string, unknown>, suffix: string): unknown {
  if (suffix in record) return record[suffix];
  const key = Object.keys(record).find((candidate) => candidate.endsWith(`.${suffix}`));
  return key === undefined ? undefined : record[key];
}

/** A part in any of the shapes conventions use: OTel GenAI, OpenAI, the AI SDK, OpenInference. */
function toPart(part: unknown): MessagePart {
  if (typeof part === 'string') return { kind: 'text', text: part };
  if (!isRecord(part)) return { kind: 'json', value: part };
  const type = text(part.type);
  if (type === 'text' || (type === null && typeof part.text === 'string')) return { kind: 'text', text: text(part.content) ?? text(part.text) ?? '' };
  const fn = isRecord(part.function) ? part.function : null;
  if (type === 'tool_call' || type === 'tool-call' || type === 'function' || fn !== null) {
    const name = text(fn?.name) ?? text(part.name) ?? text(part.toolName) ?? text(fieldEnding(part, 'name')) ?? '(tool)';
    const args = fn?.arguments ?? part.arguments ?? part.args ?? part.input ?? fieldEnding(part, 'arguments');
    const id = text(part.id) ?? text(part.toolCallId) ?? text(fieldEnding(part, 'id'));
    return { kind: 'tool_call', name, id, args: parseArguments(args) };
  }
  if (type === 'tool_call_response' || type === 'tool-result' || type === 'tool_result') {
    return { kind: 'tool_result', id: text(part.id) ?? text(part.toolCallId) ?? text(part.tool_use_id), result: part.response ?? part.result ?? part.output ?? part.content };
  }
  return { kind: 'json', value: part };
}

function partsOf(content: unknown): MessagePart[] {
  if (content === null || content === undefined || content === '') return [];
  if (Array.isArray(content)) return content.map(toPart);
  if (typeof content === 'string') return [{ kind: 'text', text: content }];
  return [toPart(content)];
}

/**
 * Messages (`[{role, content}]`, as the server normalizes them) as a conversation; null when the
 * value is not messages (plain text or other JSON, shown as it is). Documents are left out: see
 * `retrievedDocuments`.
 */
export function toConversation(value: unknown): ConversationMessage[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  if (!value.every((item) => isRecord(item) && typeof item.role === 'string')) return null;
  const messages = value as { role: string; content?: unknown; tool_calls?: unknown }[];
  return messages
    .filter((message) => message.role !== 'document')
    .map((message) => ({ role: message.role, parts: [...partsOf(message.content), ...(Array.isArray(message.tool_calls) ? message.tool_calls.map(toPart) : [])] }));
}

/** The documents a retriever returned (`{role: 'document', content: {id, content, score, ...}}` entries). */
export function retrievedDocuments(value: unknown): RetrievedDocument[] {
  if (!Array.isArray(value)) return [];
  const documents: RetrievedDocument[] = [];
  for (const item of value) {
    if (!isRecord(item) || item.role !== 'document') continue;
    const content = item.content;
    if (!isRecord(content)) {
      documents.push({ id: null, content: typeof content === 'string' ? content : JSON.stringify(content), score: null, metadata: null });
      continue;
    }
    const body = content.content ?? content.text ?? content.page_content;
    documents.push({
      id: text(content.id) ?? (typeof content.id === 'number' ? String(content.id) : null),
      content: typeof body === 'string' ? body : JSON.stringify(body ?? content),
      score: typeof content.score === 'number' ? content.score : null,
      metadata: parseArguments(content.metadata ?? null),
    });
  }
  return documents;
}

/** Text of a trace's input or output for one line in a list: the last user message, or the assistant's answer. */
export function previewText(value: unknown, preferRole: 'user' | 'assistant'): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  const conversation = toConversation(value);
  if (conversation !== null) {
    const chosen = [...conversation].reverse().find((message) => message.role === preferRole) ?? conversation.at(-1);
    const parts = chosen?.parts ?? [];
    return parts.map((part) => (part.kind === 'text' ? part.text : part.kind === 'tool_call' ? `${part.name}(…)` : '')).join(' ').trim();
  }
  return JSON.stringify(value);
}
