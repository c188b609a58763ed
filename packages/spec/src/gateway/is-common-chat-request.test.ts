import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectFastCheckAgrees } from '@keel/testing';
import { isCommonChatRequest } from './is-common-chat-request.ts';
import { chatCompletionRequestSchema } from './openai-wire.ts';

/** What the openai SDK sends for everyday calls: each must take the fast path. */
const everyday: unknown[] = [
  { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] },
  { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi', name: 'ann' }], temperature: 0.2, max_tokens: 64 },
  { model: 'fast', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } },
  { model: 'fast', messages: [{ role: 'developer', content: 'x' }, { role: 'user', content: 'y' }, { role: 'assistant', content: 'z' }, { role: 'user', content: 'w' }], stop: ['\n', 'END'], seed: 7, n: 2, top_p: 1, user: 'u1' },
  { model: 'm', messages: [{ role: 'assistant', content: null }, { role: 'tool', content: '42', tool_call_id: 'call_1' }], tool_choice: 'auto', logprobs: true, top_logprobs: 3, max_completion_tokens: 10 },
  { model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: null, stream: null, stream_options: null, metadata: { any: 'thing' } },
];

/** Shapes the fast check leaves to the schema (which may still accept them). */
const schemaOnly: unknown[] = [
  { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
  { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f' } }] },
  { model: 'm', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } },
  { model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }] },
  { model: 'm', messages: [{ role: 'user', content: 'x' }], tool_choice: { type: 'function', function: { name: 'f' } } },
];

const edgeValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 140 }),
  fc.double(),
  fc.constantFrom(0, 1, 2, 20, 21, 128, 129, 2 ** 53, -(2 ** 53), 0.5, 1.0000001, 2.0000001, -0.1),
  fc.string({ maxLength: 3 }),
  fc.constantFrom('none', 'auto', 'required', 'user', 'tool'),
  fc.array(fc.string({ maxLength: 2 }), { maxLength: 6 }),
  fc.constantFrom({}, { include_usage: true }, { include_usage: 'yes' }, { include_usage: null }, [1]),
);

/** Mostly a valid value for the field, sometimes an edge value of any type. */
function mostly<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 30, arbitrary: valid }, { weight: 1, arbitrary: edgeValue });
}

const text = fc.string({ maxLength: 4 });
const message = fc.oneof(
  fc.record({ role: mostly(fc.constantFrom('system', 'developer', 'user')), content: mostly(text), name: mostly(text) }, { requiredKeys: ['role', 'content'] }),
  fc.record({ role: mostly(fc.constant('assistant')), content: mostly(fc.option(text)), name: mostly(text), tool_calls: edgeValue, refusal: edgeValue }, { requiredKeys: ['role'] }),
  fc.record({ role: mostly(fc.constant('tool')), content: mostly(text), tool_call_id: mostly(text), extra: edgeValue }, { requiredKeys: ['role', 'content', 'tool_call_id'] }),
  edgeValue,
);

const nullable = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(valid, { freq: 8 });
const validFields = {
  stream: nullable(fc.boolean()),
  stream_options: nullable(fc.record({ include_usage: fc.boolean() }, { requiredKeys: [] })),
  max_tokens: nullable(fc.integer({ min: 1, max: 100_000 })),
  max_completion_tokens: nullable(fc.integer({ min: 1, max: 100_000 })),
  temperature: nullable(fc.double({ min: 0, max: 2, noNaN: true })),
  top_p: nullable(fc.double({ min: 0, max: 1, noNaN: true })),
  n: nullable(fc.integer({ min: 1, max: 128 })),
  stop: nullable(fc.oneof(text, fc.array(text, { maxLength: 4 }))),
  seed: nullable(fc.integer()),
  logprobs: nullable(fc.boolean()),
  top_logprobs: nullable(fc.integer({ min: 0, max: 20 })),
  tool_choice: fc.constantFrom('none', 'auto', 'required'),
  user: text,
};

const request = fc.record(
  {
    model: mostly(fc.oneof(fc.string({ minLength: 1, maxLength: 4 }), fc.constant('m'.repeat(256)), fc.constant('m'.repeat(257)), fc.constant(''))),
    messages: mostly(fc.array(message, { minLength: 0, maxLength: 4 })),
    ...Object.fromEntries(Object.entries(validFields).map(([key, valid]) => [key, mostly(valid as fc.Arbitrary<unknown>)])),
    tools: fc.oneof({ weight: 1, arbitrary: edgeValue }, { weight: 9, arbitrary: fc.constant(undefined) }),
    response_format: fc.oneof({ weight: 1, arbitrary: edgeValue }, { weight: 9, arbitrary: fc.constant(undefined) }),
    metadata: edgeValue,
  },
  { requiredKeys: [] },
);

describe('isCommonChatRequest', () => {
  it('takes the fast path for everyday requests, which the schema accepts unchanged', () => {
    for (const value of everyday) {
      expect(isCommonChatRequest(value)).toBe(true);
      expect(chatCompletionRequestSchema.parse(value)).toEqual(value);
    }
  });

  it('leaves tools, response formats, content parts and tool calls to the schema', () => {
    for (const value of schemaOnly) {
      expect(isCommonChatRequest(value)).toBe(false);
      expect(chatCompletionRequestSchema.safeParse(value).success).toBe(true);
    }
  });

  it('accepts nothing the schema rejects, and the schema returns what it accepts unchanged (property)', () => {
    expectFastCheckAgrees(isCommonChatRequest, chatCompletionRequestSchema, request, { numRuns: 20_000, minAccepted: 50, minRejected: 1_000 });
  });

  it('accepts no everyday request with one field or message part changed that the schema rejects (property)', () => {
    const fields = ['model', 'messages', ...Object.keys(validFields), 'tools', 'response_format'];
    const messageFields = ['role', 'content', 'name', 'tool_call_id', 'tool_calls', 'refusal'];
    const changed = fc.tuple(fc.constantFrom(...everyday), fc.constantFrom(...fields), fc.constantFrom(...messageFields), fc.nat(4), fc.boolean(), edgeValue);
    let rejected = 0;
    fc.assert(
      fc.property(changed, ([base, field, messageField, at, inMessage, replacement]) => {
        const value = structuredClone(base) as { messages: Record<string, unknown>[] } & Record<string, unknown>;
        if (inMessage) value.messages[at % value.messages.length]![messageField] = replacement;
        else value[field] = replacement;
        const parsed = chatCompletionRequestSchema.safeParse(value);
        if (!parsed.success) rejected += 1;
        if (isCommonChatRequest(value)) {
          expect(parsed.success).toBe(true);
          expect(parsed.data).toEqual(value);
        }
      }),
      { numRuns: 20_000 },
    );
    expect(rejected).toBeGreaterThan(1_000);
  });
});
