import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectFastCheckAgrees } from '@keel/testing';
import { isUpstreamChunk, isUpstreamCompletion } from './is-upstream-completion.ts';
import { upstreamChunkSchema, upstreamCompletionSchema } from './openai-response-schemas.ts';

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
  system_fingerprint: 'fp',
};
const chunks = [
  { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
  { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
  { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } },
];

const edgeValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -2, max: 3 }),
  fc.double(),
  fc.constantFrom(2 ** 53, 1.5, -1),
  fc.string({ maxLength: 3 }),
  fc.constantFrom({}, [], { cached_tokens: 1 }, { cached_tokens: -1 }, { cached_tokens: null }),
);
const count = fc.oneof({ weight: 3, arbitrary: fc.nat(1000) }, { weight: 1, arbitrary: edgeValue });
const usage = fc.oneof(
  fc.record({ prompt_tokens: count, completion_tokens: count, total_tokens: count, prompt_tokens_details: fc.oneof(fc.record({ cached_tokens: count }, { requiredKeys: [] }), edgeValue) }, { requiredKeys: ['prompt_tokens', 'completion_tokens'] }),
  edgeValue,
);
const finishReason = fc.oneof(fc.constantFrom('stop', 'length', null), edgeValue);
const index = fc.oneof({ weight: 3, arbitrary: fc.nat(3) }, { weight: 1, arbitrary: edgeValue });
const message = fc.oneof(fc.record({ role: fc.oneof(fc.constant('assistant'), edgeValue), content: fc.oneof(fc.string({ maxLength: 3 }), edgeValue) }, { requiredKeys: ['role'] }), edgeValue);
const head = { id: fc.oneof(fc.string({ maxLength: 3 }), edgeValue), model: fc.oneof(fc.string({ maxLength: 3 }), edgeValue), usage, created: edgeValue };

const completions = fc.record(
  { ...head, choices: fc.oneof(fc.array(fc.oneof(fc.record({ index, message, finish_reason: finishReason }, { requiredKeys: ['index', 'message'] }), edgeValue), { maxLength: 3 }), edgeValue) },
  { requiredKeys: ['id', 'model', 'choices'] },
);
const chunkValues = fc.record(
  { ...head, choices: fc.oneof(fc.array(fc.oneof(fc.record({ index, delta: fc.oneof(fc.constant({ content: 'x' }), edgeValue), finish_reason: finishReason }, { requiredKeys: ['index', 'delta'] }), edgeValue), { maxLength: 3 }), edgeValue) },
  { requiredKeys: ['id', 'model', 'choices'] },
);

describe('fast checks of upstream answers', () => {
  it('accept what OpenAI sends, which the schemas return unchanged', () => {
    expect(isUpstreamCompletion(completion)).toBe(true);
    expect(upstreamCompletionSchema.parse(completion)).toEqual(completion);
    for (const chunk of chunks) {
      expect(isUpstreamChunk(chunk)).toBe(true);
      expect(upstreamChunkSchema.parse(chunk)).toEqual(chunk);
    }
  });

  it('accept no completion the schema rejects (property)', () => {
    expectFastCheckAgrees(isUpstreamCompletion, upstreamCompletionSchema, completions, { numRuns: 10_000, minAccepted: 100, minRejected: 1_000 });
  });

  it('accept no chunk the schema rejects (property)', () => {
    expectFastCheckAgrees(isUpstreamChunk, upstreamChunkSchema, chunkValues, { numRuns: 10_000, minAccepted: 100, minRejected: 1_000 });
  });
});
