import { type FakeOpenAiServer, startFakeOpenAiServer } from '@keel/testing';
import type { OtlpSpan } from '@keel/spec';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type KeelTracing, createKeelTracing } from './create-keel-tracing.ts';
import { type OtlpCaptureServer, startOtlpCaptureServer } from './start-otlp-capture-server.ts';
import { wrapOpenAI } from './wrap-openai.ts';

let keel: OtlpCaptureServer;
let upstream: FakeOpenAiServer;
let tracing: KeelTracing;
let openai: OpenAI;
beforeAll(async () => {
  keel = await startOtlpCaptureServer();
  upstream = await startFakeOpenAiServer({ cachedTokens: 2 });
  tracing = createKeelTracing({ url: keel.url, apiKey: 'k', encoding: 'json' });
  openai = wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: upstream.baseURL, maxRetries: 0 }), tracing, { sessionId: 'chat-1', userId: 'ada', tags: ['prod'], promptName: 'support', promptVersion: 3 });
});
afterAll(async () => {
  await tracing.shutdown();
  await upstream.close();
  await keel.close();
});
afterEach(() => {
  keel.requests.length = 0;
  upstream.requests.length = 0;
});

const flushed = async (): Promise<OtlpSpan[]> => {
  await tracing.flush();
  return keel.spans();
};
const only = (spans: OtlpSpan[], prefix: string): OtlpSpan => {
  const found = spans.filter((span) => span.name.startsWith(prefix));
  expect(found).toHaveLength(1);
  return found[0] as OtlpSpan;
};
const json = (value: unknown): unknown => JSON.parse(String(value));

describe('wrapOpenAI', () => {
  it('records a chat completion as a GenAI generation, child of the active span', async () => {
    const completion = await tracing.trace('support turn', () =>
      openai.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 50, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello there friend' }] }),
    );
    expect(completion.choices[0]?.message.content).toBe('echo: hello there friend');
    const spans = await flushed();
    const root = only(spans, 'support turn');
    const chat = only(spans, 'chat ');
    expect(chat.name).toBe('chat gpt-4o-mini');
    expect(chat.otelKind).toBe(3);
    expect(chat.parentSpanId).toBe(root.spanId);
    expect(chat.traceId).toBe(root.traceId);
    expect(chat.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': completion.id,
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.usage.cache_read.input_tokens': 2,
      'gen_ai.response.finish_reasons': ['stop'],
      'session.id': 'chat-1',
      'user.id': 'ada',
      'tag.tags': ['prod'],
      'keel.prompt.name': 'support',
      'keel.prompt.version': 3,
    });
    expect(json(chat.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'be brief' }] },
      { role: 'user', parts: [{ type: 'text', content: 'hello there friend' }] },
    ]);
    expect(json(chat.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'echo: hello there friend' }], finish_reason: 'stop' }]);
    expect(upstream.requests[0]?.body.stream_options).toBeUndefined();
  });

  it('streams the same chunks, records time to first chunk, the text and the usage, and hides the usage chunk it asked for', async () => {
    const plain = new OpenAI({ apiKey: 'sk-test', baseURL: upstream.baseURL, maxRetries: 0 });
    const expected: unknown[] = [];
    for await (const chunk of await plain.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'one two three' }] })) expected.push(chunk);

    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'one two three' }] });
    const received: unknown[] = [];
    for await (const chunk of stream) received.push(chunk);
    const normalize = (chunks: unknown[]) => JSON.parse(JSON.stringify(chunks).replace(/"(id|created)":("[^"]*"|\d+)/g, '"$1":0')) as unknown;
    expect(normalize(received)).toEqual(normalize(expected));
    expect(upstream.requests.at(-1)?.body.stream_options).toEqual({ include_usage: true });

    const chat = only(await flushed(), 'chat ');
    expect(chat.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 3, 'gen_ai.usage.output_tokens': 4, 'gen_ai.response.finish_reasons': ['stop'], 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18' });
    expect(chat.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    expect(chat.attributes['gen_ai.response.time_to_first_chunk']).toBeLessThan(10);
    expect(json(chat.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'echo: one two three' }], finish_reason: 'stop' }]);
  });

  it('passes a stream_options the user set through unchanged, and then shows the usage chunk', async () => {
    const chunks: { choices: unknown[]; usage?: unknown }[] = [];
    for await (const chunk of await openai.chat.completions.create({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] })) chunks.push(chunk);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 1 } });
    const chat = only(await flushed(), 'chat ');
    expect(chat.attributes['gen_ai.usage.input_tokens']).toBe(1);
  });

  it('ends the span of a stream abandoned with break, keeping the text so far', async () => {
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'a b c d e f' }] });
    let seen = 0;
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content;
      if (piece === undefined || piece === null || piece === '') continue;
      seen += 1;
      if (seen === 2) break;
    }
    expect(stream.controller.signal.aborted).toBe(true);
    const chat = only(await flushed(), 'chat ');
    expect(chat.endTimeUnixNano).not.toBe('0');
    expect(json(chat.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'echo: a ' }] }]);
  });

  it('records a failed call (status and error.type) and rethrows the client error', async () => {
    upstream.failNext(429, 'slow down');
    const failure = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.RateLimitError);
    const chat = only(await flushed(), 'chat ');
    expect(chat.status.code).toBe(2);
    expect(chat.status.message).toContain('slow down');
    expect(chat.attributes).toMatchObject({ 'error.type': 'RateLimitError', 'http.response.status_code': 429 });
  });

  it('records embeddings', async () => {
    // 'float': the fake server always answers floats, while openai asks for (and would decode) base64 by default.
    const answer = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha beta', 'gamma'], dimensions: 4, encoding_format: 'float' });
    expect(answer.data).toHaveLength(2);
    const span = only(await flushed(), 'embeddings ');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'text-embedding-3-small',
      'gen_ai.response.model': 'text-embedding-3-small',
      'gen_ai.embeddings.dimension.count': 4,
      'gen_ai.usage.input_tokens': 3,
      'input.value': '["alpha beta","gamma"]',
      'session.id': 'chat-1',
    });
  });

  it('records tool calls and tool results in the GenAI parts format', async () => {
    await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'weather?' }, { type: 'image_url', image_url: { url: 'https://example.com/sky.png' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'rain' },
      ],
    });
    const chat = only(await flushed(), 'chat ');
    expect(json(chat.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'weather?' }, { type: 'uri', modality: 'image', uri: 'https://example.com/sky.png' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'weather', arguments: { city: 'Oslo' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'rain' }] },
    ]);
  });

  it('leaves the rest of the client working through the wrapper', () => {
    expect(openai.baseURL).toBe(upstream.baseURL);
    expect(typeof openai.models.list).toBe('function');
    expect(openai.chat.completions).toBe(openai.chat.completions);
  });
});
