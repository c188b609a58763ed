/** Default bound on one recorded value: large enough for a chat turn, small enough that one span cannot fill a batch. */
export const defaultMaxValueChars = 32_768;

export interface AttributeText {
  text: string;
  mimeType: 'text/plain' | 'application/json';
}

/** Cuts `text` to `maxChars`, saying so, so that a reader never mistakes a cut value for the whole. */
export function truncateText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const note = `…[truncated ${text.length - maxChars} chars]`;
  return text.slice(0, Math.max(0, maxChars)) + note;
}

/**
 * A value as span attribute text: strings as they are, everything else as JSON. Never throws: a value
 * JSON cannot carry (a cycle, a BigInt) is recorded as its String() rather than failing the user's call.
 */
export function toAttributeText(value: unknown, maxChars: number): AttributeText | undefined {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (typeof value === 'string') return { text: truncateText(value, maxChars), mimeType: 'text/plain' };
  let json: string | undefined;
  try {
    json = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
  } catch {
    json = undefined;
  }
  if (json === undefined) return { text: truncateText(safeString(value), maxChars), mimeType: 'text/plain' };
  return { text: truncateText(json, maxChars), mimeType: 'application/json' };
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '[unprintable]';
  }
}
