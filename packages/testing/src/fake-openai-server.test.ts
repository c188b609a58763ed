import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './fake-openai-server.ts';

describe('fake OpenAI server, driven by the real openai SDK', () => {
  let upstream: FakeOpenAiServer;
  let client: OpenAI;
  beforeAll(async () => {
    upstream = await startFakeOpenAiServer({ cachedTokens: 2 });
    client = new OpenAI({ apiKey: 'sk-test', baseURL: upstream.baseURL, maxRetries: 0 });
  });
  afterAll(() => upstream.close());

  it('answers a chat completion with usage', async () => {
    const answer = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there friend' }] });
    expect(answer.choices[0]?.message.content).toBe('echo: hello there friend');
    expect(answer.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, prompt_tokens_details: { cached_tokens: 2 } });
    expect(answer.model).toBe('gpt-4o-mini-2024-07-18');
  });

  it('streams chunks and a final usage chunk when asked', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'a b' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('echo: a b');
    expect(usage?.completion_tokens).toBe(3);
  });

  it('answers errors in OpenAI shape', async () => {
    upstream.failNext(429, 'slow down');
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 429 });
  });

  it('answers embeddings', async () => {
    const answer = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['one two', 'three'] });
    expect(answer.data).toHaveLength(2);
    expect(answer.usage.prompt_tokens).toBe(3);
    // The SDK asked for base64 and decoded it: unit vectors of the default 8 dimensions.
    const first = answer.data[0]!.embedding;
    expect(first).toHaveLength(8);
    expect(Math.hypot(...first)).toBeCloseTo(1, 5);
    const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['one two', 'three'], encoding_format: 'float' });
    floats.data[0]!.embedding.forEach((value, index) => expect(value).toBeCloseTo(first[index]!, 6));
  });
});
