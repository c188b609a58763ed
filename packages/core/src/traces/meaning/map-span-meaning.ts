import type { AttributeValue, OtlpSpan, SpanMeaning } from '@keel/spec';
import { conventionTables } from './convention-tables.ts';
import type { ConventionTable, FieldRule, FieldValue } from './field-rule.ts';
import { type IndexedItem, type KeyCatalog, type MappingContext, type ScannedSpan, scanSpan } from './mapping-context.ts';

/** A row ready to run: attribute rows carry their key's slot instead of the key. */
type CompiledRule =
  | { from: 'attribute'; slot: number; read: (value: AttributeValue, context: MappingContext) => unknown }
  | { from: 'indexed'; prefix: string; read: (items: IndexedItem[], context: MappingContext) => unknown }
  | { from: 'derived'; read: (context: MappingContext) => unknown };

type FieldPlan = Record<keyof SpanMeaning, CompiledRule[]>;

const fieldNames = [
  'kind', 'provider', 'requestModel', 'responseModel', 'input', 'output', 'inputTokens', 'outputTokens', 'cachedInputTokens',
  'providedCost', 'timeToFirstTokenMs', 'sessionId', 'userId', 'tags', 'promptName', 'promptVersion', 'gatewayKey', 'error',
] as const satisfies readonly (keyof SpanMeaning)[];

/** Every field's rows from every table, in table priority order, with keys numbered, once at load. */
export function compileFieldPlan(tables: readonly ConventionTable[]): { plan: FieldPlan; catalog: KeyCatalog } {
  const slots = new Map<string, number>();
  const prefixes = new Set<string>();
  const plan = {} as FieldPlan;
  for (const field of fieldNames) {
    plan[field] = tables.flatMap((table) => (table.fields[field] ?? []) as readonly FieldRule<unknown>[]).map((rule): CompiledRule => {
      if (rule.from === 'indexed') {
        prefixes.add(rule.prefix);
        return rule;
      }
      if (rule.from === 'derived') return rule;
      let slot = slots.get(rule.key);
      if (slot === undefined) slots.set(rule.key, (slot = slots.size));
      return { from: 'attribute', slot, read: rule.read };
    });
  }
  return { plan, catalog: { slots, prefixes: [...prefixes] } };
}

const { plan, catalog } = compileFieldPlan(conventionTables);

/**
 * What a span means, read from whichever conventions its instrumentation used. Each field takes
 * the first row, in table priority order, that finds a usable value. Never throws: a value of an
 * unexpected type, or a row that fails, leaves that row out, so a span is never lost to its mapping.
 */
export function mapSpanMeaning(span: OtlpSpan): SpanMeaning {
  let scanned: ScannedSpan;
  try {
    scanned = scanSpan(span, catalog);
  } catch {
    return emptyMeaning();
  }
  return {
    kind: resolve<FieldValue<'kind'>>(plan.kind, scanned) ?? 'span',
    provider: resolve<FieldValue<'provider'>>(plan.provider, scanned),
    requestModel: resolve<FieldValue<'requestModel'>>(plan.requestModel, scanned),
    responseModel: resolve<FieldValue<'responseModel'>>(plan.responseModel, scanned),
    input: resolve<FieldValue<'input'>>(plan.input, scanned),
    output: resolve<FieldValue<'output'>>(plan.output, scanned),
    inputTokens: resolve<FieldValue<'inputTokens'>>(plan.inputTokens, scanned),
    outputTokens: resolve<FieldValue<'outputTokens'>>(plan.outputTokens, scanned),
    cachedInputTokens: resolve<FieldValue<'cachedInputTokens'>>(plan.cachedInputTokens, scanned),
    providedCost: resolve<FieldValue<'providedCost'>>(plan.providedCost, scanned),
    timeToFirstTokenMs: resolve<FieldValue<'timeToFirstTokenMs'>>(plan.timeToFirstTokenMs, scanned),
    sessionId: resolve<FieldValue<'sessionId'>>(plan.sessionId, scanned),
    userId: resolve<FieldValue<'userId'>>(plan.userId, scanned),
    tags: resolve<FieldValue<'tags'>>(plan.tags, scanned) ?? [],
    promptName: resolve<FieldValue<'promptName'>>(plan.promptName, scanned),
    promptVersion: resolve<FieldValue<'promptVersion'>>(plan.promptVersion, scanned),
    gatewayKey: resolve<FieldValue<'gatewayKey'>>(plan.gatewayKey, scanned),
    error: resolve<FieldValue<'error'>>(plan.error, scanned),
  };
}

function resolve<T>(rules: readonly CompiledRule[], { context, values }: ScannedSpan): T | null {
  for (const rule of rules) {
    try {
      let value: unknown;
      if (rule.from === 'attribute') {
        const attribute = values[rule.slot];
        if (attribute === undefined) continue;
        value = rule.read(attribute, context);
      } else if (rule.from === 'indexed') {
        const items = context.indexed(rule.prefix);
        if (items === undefined) continue;
        value = rule.read(items, context);
      } else {
        value = rule.read(context);
      }
      // The tables type each field's rows, so a non-null answer is the field's type.
      if (value !== null && value !== undefined) return value as T;
    } catch {
      // A malformed value under one convention must not hide the rows after it.
    }
  }
  return null;
}

function emptyMeaning(): SpanMeaning {
  return {
    kind: 'span', provider: null, requestModel: null, responseModel: null, input: null, output: null, inputTokens: null, outputTokens: null,
    cachedInputTokens: null, providedCost: null, timeToFirstTokenMs: null, sessionId: null, userId: null, tags: [], promptName: null, promptVersion: null, gatewayKey: null, error: null,
  };
}
