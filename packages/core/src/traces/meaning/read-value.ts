import type { AttributeValue } from '@keel/spec';

/** Readers that turn an attribute of any type into the field's type, or null: never a throw. */

export function readText(value: AttributeValue): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** Ids: some instrumentations send numeric user or session ids. */
export function readId(value: AttributeValue): string | null {
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** A token count: a non-negative integer, also as the decimal string that int64 attributes decode to. */
export function readCount(value: AttributeValue | unknown): number | null {
  const number = readNumber(value);
  return number === null ? null : Math.min(Math.round(number), Number.MAX_SAFE_INTEGER);
}

/** A non-negative finite number (a cost, a duration), also from numeric text. */
export function readNumber(value: AttributeValue | unknown): number | null {
  let number: number;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'string' && value.length > 0 && value.length < 40) number = Number(value);
  else return null;
  return Number.isFinite(number) && number >= 0 ? number : null;
}

/** A prompt version: an integer, `"3"` or `"v3"`. */
export function readVersion(value: AttributeValue): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const match = /^v?(\d{1,15})$/i.exec(value.trim());
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** A list of strings: an array attribute, or its JSON text (OpenInference `tag.tags` is either). */
export function readStringList(value: AttributeValue | unknown): string[] | null {
  let list: unknown = value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('[')) list = parseJsonText(text);
    else return text.length > 0 ? [text] : null;
  }
  if (!Array.isArray(list)) return null;
  const strings = list.filter((item): item is string => typeof item === 'string' && item.length > 0);
  return strings.length > 0 ? strings : null;
}

/** JSON.parse that answers undefined instead of throwing. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Parsed JSON values are attribute values already (objects, arrays, strings, numbers, booleans, null). */
export function asAttributeValue(value: unknown): AttributeValue {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return null;
  return value as AttributeValue;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
