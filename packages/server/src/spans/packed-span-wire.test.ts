import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '@keel/spec';
import { packProjectSpan } from '@keel/store';
import { fromPackedSpanWire, packedSpanWireLength, toPackedSpanWire } from './packed-span-wire.ts';
import { toSpanWriterSchema } from './span-writer-protocol.ts';

const input = JSON.stringify([{ role: 'user', content: 'Which runs of last week reached an accuracy above 0.9?' }]);
const output = JSON.stringify([{ role: 'assistant', content: 'Three runs did: the two on the new tokenizer and the baseline.' }]);

/** Every field set, each to a value no other field has, so that two fields swapped on the wire show. */
const full: SpanRecord = {
  traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: 'c'.repeat(16), name: 'chat gpt-4o', kind: 'llm',
  startUs: 1_735_689_600_000_001, endUs: 1_735_689_600_500_002, latencyMs: 500.001, status: 'error', statusMessage: 'rate limited',
  serviceName: 'svc', provider: 'openai', requestModel: 'gpt-4o', responseModel: 'gpt-4o-2024-08-06', model: 'gpt-4o-2024-08-06',
  input, output, inputTokens: 11, outputTokens: 22, cachedInputTokens: 33, cost: 0.0044, costSource: 'provided', timeToFirstTokenMs: 55,
  sessionId: 'session-1', userId: 'user-1', tags: ['eval', 'nightly'], promptName: 'qa', promptVersion: 66, gatewayKey: 'vk-1', mapperVersion: 77,
  raw: {
    otelKind: 3, startTimeUnixNano: '1735689600000001000', endTimeUnixNano: '1735689600500002000',
    attributes: { 'gen_ai.input.messages': input, 'gen_ai.output.messages': output, 'gen_ai.request.model': 'gpt-4o' },
    events: [{ name: 'first token', timeUnixNano: '1735689600055001000', attributes: {} }], links: [], status: { code: 2, message: 'rate limited' },
    resource: { 'service.name': 'svc' }, scope: { name: 'openinference', version: '1.0' },
  },
};

/** The nullable fields null, as for a span that is no generation. */
const sparse: SpanRecord = {
  ...full, parentSpanId: null, kind: 'chain', status: 'ok', statusMessage: '', serviceName: null, provider: null, requestModel: null, responseModel: null, model: null,
  input: null, output: null, inputTokens: null, outputTokens: null, cachedInputTokens: null, cost: null, costSource: null, timeToFirstTokenMs: null,
  sessionId: null, userId: null, tags: [], promptName: null, promptVersion: null, gatewayKey: null,
  raw: { ...full.raw, attributes: { note: 'no messages here' } },
};

describe('OTLP rows on their way to the span writer thread, as arrays', () => {
  it('arrive as the packed rows they were: every field, set or null, in its place', () => {
    for (const span of [full, sparse]) {
      const row = { projectId: 7, span };
      const wire = toPackedSpanWire(row);
      expect(wire).toHaveLength(packedSpanWireLength);
      // Through the structured clone that postMessage makes.
      expect(fromPackedSpanWire(structuredClone(wire))).toEqual(packProjectSpan(row));
    }
  });

  it('are checked by the thread: a row of another length or without its raw text is refused', () => {
    const wire = toPackedSpanWire({ projectId: 7, span: full });
    const insert = (rows: unknown[]): boolean => toSpanWriterSchema.safeParse({ type: 'insert', id: 1, rows }).success;
    expect(insert([wire])).toBe(true);
    expect(insert([wire.slice(1)])).toBe(false);
    expect(insert([[...wire, null]])).toBe(false);
    expect(insert([[7, null, ...wire.slice(2)]])).toBe(false);
    expect(insert([{ projectId: 7, span: full, rawText: '{}' }])).toBe(false);
  });
});
