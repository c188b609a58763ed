import type { AttributeValue, Attributes, OtlpSpan } from '@keel/spec';
import { isRecord, parseJsonText } from './read-value.ts';

/** One element of a flattened list: `llm.input_messages.3.message.role` is field `message.role` of index 3. */
export interface IndexedItem {
  index: number;
  fields: Map<string, AttributeValue>;
}

/** What rules read: the span, plus caches so that no work is done twice for one span. */
export interface MappingContext {
  span: OtlpSpan;
  attributes: Attributes;
  /** The items under a flattened-list prefix, in index order; undefined when the span has none. */
  indexed(prefix: string): IndexedItem[] | undefined;
  /** JSON.parse of an attribute's text, once per key per span (message JSON can be large); undefined when not JSON. */
  json(key: string, text: string): unknown;
}

/** The keys and prefixes the tables read, numbered once at load. */
export interface KeyCatalog {
  slots: Map<string, number>;
  prefixes: readonly string[];
}

/** A mapping context plus the values of the catalogued keys, found in one pass over the span's keys. */
export interface ScannedSpan {
  context: MappingContext;
  /** `values[slot]` is the attribute under the catalogued key with that slot, undefined when absent. */
  values: (AttributeValue | undefined)[];
}

const emptyAttributes: Attributes = {};
/** Longest index text accepted, so a hostile key cannot make a huge sparse list. */
const maxIndexDigits = 6;

/**
 * One pass over the span's attribute keys: each is looked up once in the catalogue (a looked-up
 * miss on the attributes object itself costs more than the whole pass), and keys under a
 * flattened-list prefix are set aside for the rows that read lists.
 */
export function scanSpan(span: OtlpSpan, catalog: KeyCatalog): ScannedSpan {
  const attributes = isRecord(span.attributes) ? (span.attributes as Attributes) : emptyAttributes;
  const values = new Array<AttributeValue | undefined>(catalog.slots.size);
  let listed: Map<string, [string, AttributeValue][]> | undefined;
  // for…in with attributes[key] inside takes V8's enum-cache fast path: measured faster than Object.keys or entries.
  for (const key in attributes) {
    const slot = catalog.slots.get(key);
    if (slot !== undefined) {
      values[slot] = attributes[key];
      continue;
    }
    for (const prefix of catalog.prefixes) {
      if (!key.startsWith(prefix)) continue;
      listed ??= new Map();
      const entry: [string, AttributeValue] = [key, attributes[key] as AttributeValue];
      const entries = listed.get(prefix);
      if (entries === undefined) listed.set(prefix, [entry]);
      else entries.push(entry);
      break;
    }
  }
  let groups: Map<string, IndexedItem[] | undefined> | undefined;
  let parsed: Map<string, unknown> | undefined;
  const context: MappingContext = {
    span,
    attributes,
    indexed(prefix) {
      const entries = listed?.get(prefix);
      if (entries === undefined) return undefined;
      groups ??= new Map();
      if (!groups.has(prefix)) groups.set(prefix, groupIndexed(prefix, entries));
      return groups.get(prefix);
    },
    json(key, text) {
      parsed ??= new Map();
      if (parsed.has(key)) return parsed.get(key);
      const value = parseJsonText(text);
      parsed.set(key, value);
      return value;
    },
  };
  return { context, values };
}

function groupIndexed(prefix: string, entries: [string, AttributeValue][]): IndexedItem[] | undefined {
  const items: IndexedItem[] = [];
  let sorted = true;
  for (const [key, value] of entries) {
    const dot = key.indexOf('.', prefix.length);
    if (dot <= prefix.length || dot - prefix.length > maxIndexDigits) continue;
    const index = parseIndex(key, prefix.length, dot);
    if (index < 0) continue;
    // Keys usually arrive grouped by index, so the item is most often the last one made.
    let item = items.length > 0 && items[items.length - 1]?.index === index ? items[items.length - 1] : items.find((candidate) => candidate.index === index);
    if (item === undefined) {
      if (items.length > 0 && (items[items.length - 1]?.index ?? 0) > index) sorted = false;
      items.push((item = { index, fields: new Map() }));
    }
    item.fields.set(key.slice(dot + 1), value);
  }
  if (items.length === 0) return undefined;
  return sorted ? items : items.sort((a, b) => a.index - b.index);
}

function parseIndex(key: string, from: number, to: number): number {
  let index = 0;
  for (let position = from; position < to; position += 1) {
    const digit = key.charCodeAt(position) - 48;
    if (digit < 0 || digit > 9) return -1;
    index = index * 10 + digit;
  }
  return index;
}
