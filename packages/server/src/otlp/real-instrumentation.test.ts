import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import OpenAI from 'openai';
import { createKeelClient, createKeelTracing, wrapOpenAI } from '@keel/sdk';
import { type FakeOpenAiServer, type TestServer, startFakeOpenAiServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Real instrumentations end to end: what an app's spans look like after Keel has received, mapped,
 * priced and stored them, read back through the query API.
 */
let server: TestServer;
let upstream: FakeOpenAiServer;
beforeAll(async () => {
  server = await startTestServer();
  upstream = await startFakeOpenAiServer({ cachedTokens: 2 });
});
afterAll(async () => {
  await upstream.close();
  await server.close();
});

const window = () => ({ from: Date.now() - 3_600_000, to: Date.now() + 3_600_000 });
type SpanView = { name: string; kind: string; provider: string | null; model: string | null; requestModel: string | null; inputTokens: number | null; outputTokens: number | null; cachedInputTokens: number | null; cost: number | null; timeToFirstTokenMs: number | null; input: unknown; output: unknown; sessionId: string | null; userId: string | null; tags: string[]; promptName: string | null; promptVersion: number | null };
const flatten = (nodes: { span: SpanView; children: unknown[] }[]): SpanView[] => nodes.flatMap((node) => [node.span, ...flatten(node.children as { span: SpanView; children: unknown[] }[])]);

describe('OpenInference instrumentation of the openai SDK, exported with the OTLP proto exporter', () => {
  it('arrives as llm and embedding spans with provider, models, messages, tokens (with cached) and cost', async () => {
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${server.url}/v1/traces`, headers: { authorization: `Bearer ${server.adminKey}` } }))],
    });
    new OpenAIInstrumentation({ tracerProvider: provider }).manuallyInstrument(OpenAI);
    const openai = new OpenAI({ baseURL: upstream.baseURL, apiKey: 'sk-fake', maxRetries: 0 });
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: 'What is the capital of France?' }] });
    await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world', encoding_format: 'float' });
    await provider.forceFlush();
    await provider.shutdown();

    const listed = await client.traces.list({ ...window(), model: 'gpt-4o-mini-2024-07-18' });
    expect(listed.items).toHaveLength(1);
    const chat = flatten((await client.traces.get(listed.items[0]!.traceId)).spans as never)[0]!;
    expect(chat).toMatchObject({
      kind: 'llm', provider: 'openai', requestModel: 'gpt-4o-mini', model: 'gpt-4o-mini-2024-07-18',
      // The fake counts words: 2 + 6 prompt words, 7 answer words, 2 prompt tokens from the cache.
      inputTokens: 8, outputTokens: 7, cachedInputTokens: 2,
      input: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: 'What is the capital of France?' }],
      output: [{ role: 'assistant', content: 'echo: What is the capital of France?' }],
    });
    // gpt-4o-mini: $0.15 per 1M input, $0.075 per 1M cached input, $0.60 per 1M output.
    expect(chat.cost).toBeCloseTo((6 * 0.15 + 2 * 0.075 + 7 * 0.6) / 1e6, 12);

    const embeddings = await client.traces.list({ ...window(), model: 'text-embedding-3-small' });
    const embedding = flatten((await client.traces.get(embeddings.items[0]!.traceId)).spans as never)[0]!;
    // OpenInference 4.2.7 records no token counts on embedding spans, so there is nothing to price.
    expect(embedding).toMatchObject({ kind: 'embedding', model: 'text-embedding-3-small', inputTokens: null, cost: null });
  });
});

describe("Keel's SDK tracing with wrapOpenAI, against the real server", () => {
  it('records a session trace with a streamed generation, time to first token and the prompt version, which rolls up into prompt usage', async () => {
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
    await client.prompts.create({ name: 'support-answer', type: 'text', template: 'Answer {{question}}', variables: ['question'], labels: ['production'] });
    const prompt = await client.prompts.get('support-answer', { label: 'production' });
    const tracing = createKeelTracing({ url: server.url, apiKey: server.adminKey, serviceName: 'support-bot' });
    const openai = wrapOpenAI(new OpenAI({ baseURL: upstream.baseURL, apiKey: 'sk-fake', maxRetries: 0 }), tracing, { promptName: prompt.name, promptVersion: prompt.version });

    const traceId = await tracing.trace('support-turn', async (root) => {
      const stream = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: prompt.compile({ question: 'how do refunds work' }) as string }], stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      root.setOutput(text);
      return root.traceId;
    }, { sessionId: 'conversation-1', userId: 'alice', tags: ['beta'], kind: 'chain', input: 'how do refunds work' });
    await tracing.shutdown();
    expect(tracing.stats()).toMatchObject({ dropped: 0, failed: 0, exported: 2 });

    const detail = await client.traces.get(traceId);
    expect(detail.trace).toMatchObject({ name: 'support-turn', sessionId: 'conversation-1', userId: 'alice', tags: ['beta'], spanCount: 2, output: 'echo: Answer how do refunds work' });
    const generation = flatten(detail.spans as never).find((span) => span.kind === 'llm')!;
    expect(generation).toMatchObject({ provider: 'openai', model: 'gpt-4o-2024-07-18', inputTokens: 5, outputTokens: 6, promptName: 'support-answer', promptVersion: 1, sessionId: 'conversation-1', userId: 'alice' });
    expect(generation.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);

    const sessions = await client.traces.sessions({ ...window(), userId: 'alice' });
    expect(sessions.items.map((session) => session.sessionId)).toEqual(['conversation-1']);
    await client.traces.score(traceId, { name: 'helpful', dataType: 'numeric', value: 0.75, source: 'human' });
    const usage = await client.prompts.usage('support-answer', window());
    expect(usage.versions).toEqual([expect.objectContaining({ version: 1, count: 1, inputTokens: 5, outputTokens: 6, scores: [{ name: 'helpful', mean: 0.75, count: 1 }] })]);
  });
});
