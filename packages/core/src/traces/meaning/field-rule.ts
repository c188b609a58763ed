import type { AttributeValue, SpanMeaning } from '@keel/spec';
import type { IndexedItem, MappingContext } from './mapping-context.ts';

/** Where a rule comes from; kept on every row so a table reads as documentation. */
export type Convention = 'langfuse' | 'keel' | 'vercel-ai' | 'otel-genai' | 'otel-genai-deprecated' | 'openinference' | 'otel';

/** The non-null value a field takes; a rule answers null when it does not apply. */
export type FieldValue<F extends keyof SpanMeaning> = NonNullable<SpanMeaning[F]>;

/**
 * One row of a table: where to look and how to read it. Most rows name one attribute key, which the
 * engine looks up directly; `indexed` rows read a flattened list (`prefix.N.field`), gathered for all
 * prefixes in one pass over the keys; `derived` rows read the span itself (events, status, times).
 */
export type FieldRule<T> =
  | { from: 'attribute'; convention: Convention; key: string; read: (value: AttributeValue, context: MappingContext) => T | null }
  | { from: 'indexed'; convention: Convention; prefix: string; read: (items: IndexedItem[], context: MappingContext) => T | null }
  | { from: 'derived'; convention: Convention; source: string; read: (context: MappingContext) => T | null };

/** Per field, rows in priority order. */
export type FieldRules = { [F in keyof SpanMeaning]?: readonly FieldRule<FieldValue<F>>[] };

export interface ConventionTable {
  convention: Convention;
  fields: FieldRules;
}

/** Row constructors bound to one convention, so table files stay declarative. */
export function rulesFor(convention: Convention) {
  return {
    attribute: <T>(key: string, read: (value: AttributeValue, context: MappingContext) => T | null): FieldRule<T> => ({ from: 'attribute', convention, key, read }),
    indexed: <T>(prefix: string, read: (items: IndexedItem[], context: MappingContext) => T | null): FieldRule<T> => ({ from: 'indexed', convention, prefix, read }),
    derived: <T>(source: string, read: (context: MappingContext) => T | null): FieldRule<T> => ({ from: 'derived', convention, source, read }),
  };
}
