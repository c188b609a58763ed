import { describe, expect, it } from 'vitest';
import { recordOpenInferenceSpans } from './fixtures/record-openinference-spans.ts';
import { recordVercelAiSpans } from './fixtures/record-vercel-ai-spans.ts';
import { mapSpanMeaning } from './index.ts';

/**
 * Runs the instrumentations now, not from the stored fixtures, so a library upgrade that renames an
 * attribute fails here. Both share one process-wide tracer provider (see span-recorder.ts).
 */
describe('mapSpanMeaning over live instrumentation', () => {
  it('maps what OpenInference records around the openai SDK', async () => {
    const [chat, stream, embedding] = (await recordOpenInferenceSpans()).map(mapSpanMeaning);
    expect(chat).toMatchObject({
      kind: 'llm', provider: 'openai', requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18',
      input: [{ role: 'system', content: 'You answer briefly.' }, { role: 'user', content: 'What is the capital of France?' }],
      output: [{ role: 'assistant', content: 'echo: What is the capital of France?' }],
      inputTokens: 9, outputTokens: 7, cachedInputTokens: 2,
    });
    expect(stream).toMatchObject({ kind: 'llm', input: [{ role: 'user', content: 'Stream three words please' }], output: [{ role: 'assistant', content: 'echo: Stream three words please' }] });
    expect(embedding).toMatchObject({ kind: 'embedding', requestModel: 'text-embedding-3-small' });
  });

  it('maps what the AI SDK records', async () => {
    const meanings = (await recordVercelAiSpans()).map(mapSpanMeaning);
    expect(meanings.map((meaning) => meaning.kind)).toEqual(['llm', 'chain', 'llm', 'chain', 'embedding', 'chain']);
    expect(meanings[2]).toMatchObject({ provider: 'openai', inputTokens: 4, outputTokens: 5, cachedInputTokens: 2, sessionId: 'session-vercel', userId: 'user-vercel' });
    expect(meanings[2]?.timeToFirstTokenMs).toBeGreaterThan(0);
  });
});
