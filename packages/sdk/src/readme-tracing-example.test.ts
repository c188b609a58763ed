import OpenAI from 'openai';
import { type FakeOpenAiServer, type TestServer, startFakeOpenAiServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeelClient, createKeelTracing, wrapOpenAI } from './index.ts';

let server: TestServer;
let upstream: FakeOpenAiServer;
beforeAll(async () => {
  server = await startTestServer();
  upstream = await startFakeOpenAiServer();
});
afterAll(async () => {
  await upstream.close();
  await server.close();
});

describe("the README's tracing and prompts example", () => {
  it('runs as written and leaves the trace and the prompt usage it describes', async () => {
    const setup = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
    await setup.prompts.create({ name: 'support-answer', type: 'text', template: 'Answer briefly: {{question}}', variables: ['question'], labels: ['production'] });
    const question = 'how do refunds work';
    const conversationId = 'conversation-42';
    const userId = 'user-7';

    // The example, as in README.md (with this test's server, key and OpenAI endpoint).
    const keel = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
    const tracing = createKeelTracing({ url: server.url, apiKey: server.adminKey, serviceName: 'support-bot' });
    const prompt = await keel.prompts.get('support-answer', { label: 'production' });
    const openai = wrapOpenAI(new OpenAI({ baseURL: upstream.baseURL, apiKey: 'sk-test' }), tracing, { promptName: prompt.name, promptVersion: prompt.version });
    const answer = await tracing.trace('support-turn', async () => {
      const completion = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: prompt.compile({ question }) as string }] });
      return completion.choices[0]?.message.content;
    }, { sessionId: conversationId, userId });
    await tracing.shutdown();

    expect(answer).toBe('echo: Answer briefly: how do refunds work');
    const window = { from: Date.now() - 3_600_000, to: Date.now() + 3_600_000 };
    const traces = await keel.traces.list({ ...window, sessionId: conversationId });
    expect(traces.items).toHaveLength(1);
    expect(traces.items[0]).toMatchObject({ name: 'support-turn', userId, spanCount: 2, models: ['gpt-4o-2024-07-18'] });
    const usage = await keel.prompts.usage('support-answer', window);
    expect(usage.versions).toEqual([expect.objectContaining({ version: 1, count: 1 })]);
  });
});
