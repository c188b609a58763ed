import type { OtlpSpan, SpanMeaning } from '@keel/spec';
import { describe, expect, it } from 'vitest';
import { fixtureFiles, readSpanFixture } from './fixtures/span-fixture.ts';
import { mapSpanMeaning, spanMapperVersion } from './index.ts';

/** The full expected meaning: fields not named are null (tags empty), so every assertion is exact. */
function meaning(fields: Partial<SpanMeaning>): SpanMeaning {
  return {
    kind: 'span', provider: null, requestModel: null, responseModel: null, input: null, output: null, inputTokens: null, outputTokens: null,
    cachedInputTokens: null, providedCost: null, timeToFirstTokenMs: null, sessionId: null, userId: null, tags: [], promptName: null, promptVersion: null, gatewayKey: null, error: null,
    ...fields,
  };
}

function spansOf(file: string): OtlpSpan[] {
  return readSpanFixture(file).spans;
}

function byName(spans: OtlpSpan[], name: string, nth = 0): OtlpSpan {
  const span = spans.filter((candidate) => candidate.name === name)[nth];
  if (span === undefined) throw new Error(`no span ${name} #${nth}`);
  return span;
}

/** Timing attributes differ per recording; the expectation reads the one the library wrote. */
function numberAttribute(span: OtlpSpan, key: string): number {
  const value = span.attributes[key];
  if (typeof value !== 'number') throw new Error(`${key} is not a number`);
  return value;
}

const capitalQuestion = [
  { role: 'system', content: 'You answer briefly.' },
  { role: 'user', content: 'What is the capital of France?' },
];

describe('mapSpanMeaning', () => {
  it('is version 2', () => {
    expect(spanMapperVersion).toBe(2);
  });

  describe('OpenInference (@arizeai/openinference-instrumentation-openai over openai)', () => {
    const spans = spansOf(fixtureFiles.openInference);

    it('maps a chat completion', () => {
      expect(mapSpanMeaning(byName(spans, 'OpenAI Chat Completions', 0))).toEqual(
        meaning({
          kind: 'llm', provider: 'openai', requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18',
          input: capitalQuestion, output: [{ role: 'assistant', content: 'echo: What is the capital of France?' }],
          inputTokens: 9, outputTokens: 7, cachedInputTokens: 2,
        }),
      );
    });

    it('maps a streamed chat completion (the library records no usage for streams)', () => {
      expect(mapSpanMeaning(byName(spans, 'OpenAI Chat Completions', 1))).toEqual(
        meaning({
          kind: 'llm', provider: 'openai', requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini',
          input: [{ role: 'user', content: 'Stream three words please' }], output: [{ role: 'assistant', content: 'echo: Stream three words please' }],
        }),
      );
    });

    it('maps an embedding', () => {
      expect(mapSpanMeaning(byName(spans, 'OpenAI Embeddings'))).toEqual(
        meaning({ kind: 'embedding', provider: 'openai', requestModel: 'text-embedding-3-small', responseModel: 'text-embedding-3-small', input: '["hello world","keel traces"]' }),
      );
    });
  });

  describe('AI SDK (ai with @ai-sdk/openai)', () => {
    const spans = spansOf(fixtureFiles.vercelAi);
    const context = { sessionId: 'session-vercel', userId: 'user-vercel', tags: ['vercel', 'fixture'] };

    it('maps generateText: the model call carries model and usage, the outer call only its input and output', () => {
      const output = [{ role: 'assistant', content: 'echo: What is the capital of France?' }];
      expect(mapSpanMeaning(byName(spans, 'ai.generateText.doGenerate'))).toEqual(
        meaning({
          kind: 'llm', provider: 'openai', requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18',
          input: capitalQuestion, output, inputTokens: 9, outputTokens: 7, cachedInputTokens: 2, ...context,
        }),
      );
      expect(mapSpanMeaning(byName(spans, 'ai.generateText'))).toEqual(meaning({ kind: 'chain', input: capitalQuestion, output, ...context }));
    });

    it('maps streamText with its time to first chunk', () => {
      const doStream = byName(spans, 'ai.streamText.doStream');
      const input = [{ role: 'user', content: 'Stream three words please' }];
      const output = [{ role: 'assistant', content: 'echo: Stream three words please' }];
      expect(mapSpanMeaning(doStream)).toEqual(
        meaning({
          kind: 'llm', provider: 'openai', requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18', input, output,
          inputTokens: 4, outputTokens: 5, cachedInputTokens: 2, timeToFirstTokenMs: numberAttribute(doStream, 'ai.response.msToFirstChunk'), ...context,
        }),
      );
      expect(mapSpanMeaning(byName(spans, 'ai.streamText'))).toEqual(meaning({ kind: 'chain', input, output, ...context }));
    });

    it('maps embed', () => {
      expect(mapSpanMeaning(byName(spans, 'ai.embed.doEmbed'))).toEqual(
        meaning({ kind: 'embedding', provider: 'openai', requestModel: 'text-embedding-3-small', input: 'hello world', inputTokens: 2, ...context }),
      );
      expect(mapSpanMeaning(byName(spans, 'ai.embed'))).toEqual(meaning({ kind: 'chain', input: 'hello world', ...context }));
    });
  });

  describe('OTel GenAI from @opentelemetry/instrumentation-openai (content goes to log events, not spans)', () => {
    const spans = spansOf(fixtureFiles.otelGenAiInstrumentation);
    const chat = { kind: 'llm', provider: 'openai', requestModel: 'gpt-4o-mini' } as const;

    it('maps chat, streamed chat, embeddings and a failed call', () => {
      expect(spans.map(mapSpanMeaning)).toEqual([
        meaning({ ...chat, responseModel: 'gpt-4o-mini-2024-07-18', inputTokens: 9, outputTokens: 7 }),
        meaning({ ...chat, responseModel: 'gpt-4o-mini-2024-07-18', inputTokens: 4, outputTokens: 5 }),
        meaning({ kind: 'embedding', provider: 'openai', requestModel: 'text-embedding-3-small', responseModel: 'text-embedding-3-small', inputTokens: 4 }),
        meaning({ ...chat, error: 'InternalServerError' }),
      ]);
    });
  });

  describe('OTel GenAI, current names (hand-written from the spec)', () => {
    const spans = spansOf(fixtureFiles.otelGenAiCurrent);

    it('maps an agent, a chat with system instructions and tool parts, a tool, an embedding and a failure', () => {
      expect(spans.map(mapSpanMeaning)).toEqual([
        meaning({ kind: 'agent', provider: 'openai', sessionId: 'conv-42', userId: 'user-genai' }),
        meaning({
          kind: 'llm', provider: 'openai', requestModel: 'gpt-4o', responseModel: 'gpt-4o-2024-08-06',
          input: [
            { role: 'system', content: 'You are a helpful support agent.' },
            { role: 'user', content: 'Where is my order 1234?' },
            { role: 'assistant', content: [{ type: 'tool_call', id: 'call_1', name: 'get_order', arguments: { id: '1234' } }] },
            { role: 'tool', content: [{ type: 'tool_call_response', id: 'call_1', response: { status: 'shipped' } }] },
          ],
          output: [{ role: 'assistant', content: 'Your order 1234 has shipped.' }],
          inputTokens: 120, outputTokens: 18, cachedInputTokens: 64, timeToFirstTokenMs: 245, sessionId: 'conv-42',
        }),
        meaning({ kind: 'tool' }),
        meaning({ kind: 'embedding', provider: 'openai', requestModel: 'text-embedding-3-small', inputTokens: 6 }),
        meaning({ kind: 'llm', provider: 'openai', requestModel: 'gpt-4o', error: 'RateLimitError: 429 Rate limit reached for gpt-4o' }),
      ]);
    });
  });

  describe('OTel GenAI, deprecated names (hand-written, as OpenLLMetry emits them)', () => {
    const spans = spansOf(fixtureFiles.otelGenAiDeprecated);

    it('maps gen_ai.system, prompt/completion token names and indexed messages with tool calls', () => {
      expect(spans.map(mapSpanMeaning)).toEqual([
        meaning({
          kind: 'llm', provider: 'openai', requestModel: 'gpt-3.5-turbo', responseModel: 'gpt-3.5-turbo-0125',
          input: [{ role: 'system', content: 'You are a weather bot.' }, { role: 'user', content: 'Weather in Paris?' }],
          output: [{ role: 'assistant', content: [{ type: 'tool_call', id: 'call_9', name: 'get_weather', arguments: '{"city":"Paris"}' }] }],
          inputTokens: 57, outputTokens: 21,
        }),
        meaning({
          kind: 'llm', provider: 'gcp.vertex_ai', requestModel: 'gemini-1.5-pro',
          input: [{ role: 'user', content: 'Say hi' }], output: [{ role: 'assistant', content: 'Hi!' }], inputTokens: 12, outputTokens: 4,
        }),
      ]);
    });
  });

  describe('Langfuse (@langfuse/tracing)', () => {
    const spans = spansOf(fixtureFiles.langfuse);

    it('maps a generation with usage, cost, prompt and completion start', () => {
      const generation = byName(spans, 'llm-call');
      const completionStart = Date.parse(JSON.parse(String(generation.attributes['langfuse.observation.completion_start_time'])) as string);
      expect(mapSpanMeaning(generation)).toEqual(
        meaning({
          kind: 'llm', requestModel: 'gpt-4o-mini', input: capitalQuestion, output: [{ role: 'assistant', content: 'Paris.' }],
          // Langfuse counts cache reads apart from `input`; Keel's inputTokens includes them.
          inputTokens: 16, outputTokens: 2, cachedInputTokens: 4, providedCost: 0.000003,
          timeToFirstTokenMs: completionStart - Number(generation.startTimeUnixNano) / 1e6,
          promptName: 'capital-question', promptVersion: 3,
        }),
      );
    });

    it('maps the root span with the propagated user, session and tags', () => {
      expect(mapSpanMeaning(byName(spans, 'answer-question'))).toEqual(
        meaning({ kind: 'span', input: '{"question":"What is the capital of France?"}', output: 'Paris.', sessionId: 'session-langfuse', userId: 'user-langfuse', tags: ['langfuse', 'fixture'] }),
      );
    });
  });
});
