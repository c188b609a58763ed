import { type AttributeValue, type OtlpSpan, spanKinds } from '@keel/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conventionTables } from './convention-tables.ts';
import { mapSpanMeaning } from './index.ts';

/** Every key any table reads, plus indexed keys, so wrong types reach every row. */
const knownKeys = [
  ...new Set(
    conventionTables.flatMap((table) =>
      Object.values(table.fields).flatMap((rules) => (rules ?? []).flatMap((rule) => (rule.from === 'attribute' ? [rule.key] : rule.from === 'indexed' ? [`${rule.prefix}0.message.content`, `${rule.prefix}1.role`, `${rule.prefix}0.content`] : []))),
    ),
  ),
  'input.mime_type', 'output.mime_type', 'gen_ai.system_instructions', 'llm.input_messages.0.message.contents.0.message_content.text', 'llm.output_messages.0.message.tool_calls.0.tool_call.function.name',
];

const attributeValue: fc.Arbitrary<AttributeValue> = fc.letrec<{ value: AttributeValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null),
    fc.constantFrom('[]', '{}', '[{"role":1}]', '"x"', '[{"role":"user","parts":[{"type":"text"}]}]', '{"total":"x"}', 'null', 'v3', '-1', 'NaN'),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const attributes = fc.dictionary(fc.oneof(fc.constantFrom(...knownKeys), fc.string()), attributeValue, { maxKeys: 25 });

const span = fc.record({
  attributes,
  events: fc.array(fc.record({ name: fc.constantFrom('exception', 'First Token Stream Event', 'x'), timeUnixNano: fc.oneof(fc.string(), fc.bigInt({ min: 0n }).map(String)), attributes }), { maxLength: 2 }),
  status: fc.record({ code: fc.integer({ min: -1, max: 3 }), message: fc.string() }),
  startTimeUnixNano: fc.oneof(fc.string(), fc.constant('1767225600000000000')),
});

function isValidIo(value: unknown): boolean {
  return value === null || typeof value === 'string' || (Array.isArray(value) && value.every((message: { role?: unknown }) => typeof message.role === 'string' && 'content' in message));
}

describe('mapSpanMeaning over arbitrary attributes', () => {
  it('never throws and always answers a valid meaning', () => {
    fc.assert(
      fc.property(span, (generated) => {
        const input = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: null, name: 'x', otelKind: 1, endTimeUnixNano: '0', links: [], resource: {}, scope: { name: '', version: '' }, ...generated } as OtlpSpan;
        const meaning = mapSpanMeaning(input);
        expect(spanKinds).toContain(meaning.kind);
        for (const field of ['provider', 'requestModel', 'responseModel', 'sessionId', 'userId', 'promptName', 'error'] as const) {
          expect(meaning[field] === null || (typeof meaning[field] === 'string' && meaning[field].length > 0)).toBe(true);
        }
        for (const field of ['inputTokens', 'outputTokens', 'cachedInputTokens', 'providedCost', 'timeToFirstTokenMs', 'promptVersion'] as const) {
          const value = meaning[field];
          expect(value === null || (Number.isFinite(value) && value >= 0)).toBe(true);
        }
        expect(Number.isSafeInteger(meaning.inputTokens ?? 0) && Number.isSafeInteger(meaning.promptVersion ?? 0)).toBe(true);
        expect(isValidIo(meaning.input) && isValidIo(meaning.output)).toBe(true);
        expect(Array.isArray(meaning.tags) && meaning.tags.every((tag) => typeof tag === 'string')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives no time to first token for a number of seconds that overflows in milliseconds (a counterexample fast-check found)', () => {
    const input = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: null, name: 'x', otelKind: 1, startTimeUnixNano: '0', endTimeUnixNano: '0', links: [], events: [], resource: {}, scope: { name: '', version: '' }, status: { code: 0, message: '' } };
    expect(mapSpanMeaning({ ...input, attributes: { 'gen_ai.response.time_to_first_chunk': 1.797693134862316e305 } }).timeToFirstTokenMs).toBeNull();
    expect(mapSpanMeaning({ ...input, attributes: { 'gen_ai.response.time_to_first_chunk': 0.25 } }).timeToFirstTokenMs).toBe(250);
  });

  it('survives a span that is not even shaped like one', () => {
    for (const broken of [{}, { attributes: null }, { attributes: [] }, { attributes: 'x', events: 'y', status: null }]) {
      expect(mapSpanMeaning(broken as unknown as OtlpSpan).kind).toBe('span');
    }
  });
});
