import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatCompletionRequestSchema, hasErrorCode, type ChatCompletion, type ChatCompletionChunk, type ChatCompletionRequest } from '@keel/spec';
import { startFakeAnthropicServer, type FakeAnthropicServer } from '@keel/testing';
import { createFetchHttpClient } from '../../fetch-http-client.ts';
import type { HttpClient, HttpResponse } from '../../http-client.ts';
import type { ChatProvider, ChatResult, ProviderCallContext } from '../chat-provider.ts';
import { isUpstreamError } from '../upstream-error.ts';
import { createAnthropicProvider } from './index.ts';

const clock = { now: () => 1_700_000_000_000 };
const context = (): ProviderCallContext => ({ signal: new AbortController().signal, timeoutMs: 10_000 });
const request = (body: Record<string, unknown>): ChatCompletionRequest => chatCompletionRequestSchema.parse({ model: 'claude-test', ...body });
const weatherTool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

function completionOf(result: ChatResult): ChatCompletion {
  if (result.stream) throw new Error('expected a completion, got a stream');
  return result.completion;
}

async function chunksOf(result: ChatResult): Promise<ChatCompletionChunk[]> {
  if (!result.stream) throw new Error('expected a stream, got a completion');
  const chunks: ChatCompletionChunk[] = [];
  for await (const { chunk } of result.chunks) chunks.push(chunk);
  return chunks;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('createAnthropicProvider against the fake Anthropic server over HTTP', () => {
  let upstream: FakeAnthropicServer;
  let provider: ChatProvider;
  beforeAll(async () => {
    upstream = await startFakeAnthropicServer({ apiKey: 'sk-ant-test', cacheReadTokens: 2 });
    provider = createAnthropicProvider({ http: createFetchHttpClient(fetch), baseUrl: upstream.baseURL, apiKey: 'sk-ant-test', headers: { 'anthropic-beta': 'test-beta' }, clock });
  });
  afterAll(() => upstream.close());

  it('answers a plain chat with OpenAI shapes and usage, sending Anthropic headers and body', async () => {
    const completion = completionOf(await provider.chat(request({ messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello there' }], temperature: 0.2 }), context()));
    expect(completion).toMatchObject({
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'claude-test',
      choices: [{ index: 0, message: { role: 'assistant', content: 'echo: hello there' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7, prompt_tokens_details: { cached_tokens: 2 } },
    });
    const sent = upstream.requests.at(-1);
    expect(sent?.path).toBe('/v1/messages');
    expect(sent?.headers).toMatchObject({ 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01', 'content-type': 'application/json', 'anthropic-beta': 'test-beta' });
    expect(sent?.body).toEqual({ model: 'claude-test', max_tokens: 4096, system: 'be brief', temperature: 0.2, messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there' }] }] });
  });

  it('streams text as chunks, ending with the finish reason and a usage chunk', async () => {
    const chunks = await chunksOf(await provider.chat(request({ messages: [{ role: 'user', content: 'one two three' }], stream: true }), context()));
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('echo: one two three');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 2 } } });
  });

  it('streams a tool call, then sends its result back in a form Anthropic accepts', async () => {
    const question = { role: 'user', content: 'use get_weather for Paris' };
    const chunks = await chunksOf(await provider.chat(request({ messages: [question], tools: [weatherTool], stream: true }), context()));
    const calls: { id: string; name: string; arguments: string }[] = [];
    for (const delta of chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta))) {
      for (const call of delta.tool_calls ?? []) {
        if (call.id !== undefined) calls[call.index] = { id: call.id, name: call.function?.name ?? '', arguments: '' };
        const target = calls[call.index];
        if (target !== undefined) target.arguments += call.function?.arguments ?? '';
      }
    }
    expect(calls).toEqual([{ id: expect.stringMatching(/^toolu_/), name: 'get_weather', arguments: expect.any(String) }]);
    expect(JSON.parse(calls[0]!.arguments)).toEqual({ city: 'fake' });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');

    const followUp = completionOf(
      await provider.chat(
        request({
          tools: [weatherTool],
          messages: [
            question,
            { role: 'assistant', content: 'Calling get_weather.', tool_calls: calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })) },
            { role: 'tool', tool_call_id: calls[0]!.id, content: 'sunny' },
          ],
        }),
        context(),
      ),
    );
    expect(followUp.choices[0]).toMatchObject({ message: { content: 'tool results: sunny' }, finish_reason: 'stop' });
  });

  it('answers a non-streamed tool call with tool_calls', async () => {
    const completion = completionOf(await provider.chat(request({ messages: [{ role: 'user', content: 'what now?' }], tools: [weatherTool], tool_choice: 'required' }), context()));
    expect(completion.choices[0]).toMatchObject({
      message: { content: 'Calling get_weather.', tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{"city":"fake"}' } }] },
      finish_reason: 'tool_calls',
    });
  });

  it('maps stop sequences and max tokens to finish reasons', async () => {
    const stopped = completionOf(await provider.chat(request({ messages: [{ role: 'user', content: 'one two three four' }], stop: ['three'] }), context()));
    expect(stopped.choices[0]).toMatchObject({ message: { content: 'echo: one two ' }, finish_reason: 'stop' });
    const cut = completionOf(await provider.chat(request({ messages: [{ role: 'user', content: 'a b c d' }], max_completion_tokens: 2 }), context()));
    expect(cut.choices[0]).toMatchObject({ message: { content: 'echo: a ' }, finish_reason: 'length' });
  });

  it('throws a retryable UpstreamError with Retry-After and an OpenAI-shaped body on 529 overloaded', async () => {
    upstream.failNext(529, 'Overloaded', 7);
    const error = await rejection(provider.chat(request({ messages: [{ role: 'user', content: 'x' }] }), context()));
    expect(isUpstreamError(error)).toBe(true);
    expect(error).toMatchObject({ failure: 'status', status: 529, retryable: true, retryAfterMs: 7000, upstreamBody: { error: { message: 'Overloaded', type: 'server_error', param: null, code: 'overloaded_error' } } });
  });

  it('passes a 400 back as not retryable, in OpenAI shape', async () => {
    upstream.failNext(400, 'messages: bad');
    const error = await rejection(provider.chat(request({ messages: [{ role: 'user', content: 'x' }], stream: true }), context()));
    expect(error).toMatchObject({ failure: 'status', status: 400, retryable: false, upstreamBody: { error: { message: 'messages: bad', type: 'invalid_request_error', code: 'invalid_request_error' } } });
  });

  it('reports a wrong API key as a 401', async () => {
    const wrongKey = createAnthropicProvider({ http: createFetchHttpClient(fetch), baseUrl: upstream.baseURL, apiKey: 'sk-wrong', clock });
    const error = await rejection(wrongKey.chat(request({ messages: [{ role: 'user', content: 'x' }] }), context()));
    expect(error).toMatchObject({ status: 401, upstreamBody: { error: { type: 'authentication_error' } } });
  });

  it.each([
    ['an error event', 'error_event'],
    ['an end without message_stop', 'end_early'],
    ['a dropped connection', 'destroy'],
  ] as const)('makes the stream throw an UpstreamError on %s', async (_label, fault) => {
    upstream.failNextStream(fault);
    const result = await provider.chat(request({ messages: [{ role: 'user', content: 'a b c d' }], stream: true }), context());
    const error = await rejection(chunksOf(result));
    expect(isUpstreamError(error)).toBe(true);
    expect(['bad_response', 'connection']).toContain((error as { failure: string }).failure);
    if (fault !== 'destroy') expect(error).toMatchObject({ failure: 'bad_response' });
  });

  it('refuses n > 1 before calling upstream', async () => {
    const before = upstream.requests.length;
    const error = await rejection(provider.chat(request({ messages: [{ role: 'user', content: 'x' }], n: 3 }), context()));
    expect(hasErrorCode(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    expect(upstream.requests.length).toBe(before);
  });

  it('has no embeddings', async () => {
    const error = await rejection(provider.embed({ model: 'claude-test', input: 'x' }, context()));
    expect(hasErrorCode(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    expect((error as Error).message).toMatch(/Anthropic has no embeddings API/);
  });
});

describe('createAnthropicProvider with upstreams that misbehave', () => {
  const answer = (status: number, text: string, headers: Record<string, string> = {}): HttpResponse => ({
    status,
    headers,
    body: {
      async *[Symbol.asyncIterator]() {
        yield new TextEncoder().encode(text);
      },
    },
    text: () => Promise.resolve(text),
    dump: () => Promise.resolve(),
  });
  const providerOver = (http: HttpClient) => createAnthropicProvider({ http, apiKey: 'k', clock });
  const answering = (response: HttpResponse): HttpClient => ({ request: () => Promise.resolve(response) });

  it('calls https://api.anthropic.com/v1/messages by default', async () => {
    const urls: string[] = [];
    const http: HttpClient = {
      request: (input) => {
        urls.push(input.url);
        return Promise.resolve(answer(200, JSON.stringify({ id: 'msg_1', model: 'm', content: [], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 0 } })));
      },
    };
    await providerOver(http).chat(request({ messages: [{ role: 'user', content: 'x' }] }), context());
    expect(urls).toEqual(['https://api.anthropic.com/v1/messages']);
  });

  it.each([
    ['a body that is not JSON', '<html>oops</html>'],
    ['JSON that is not a message', '{"hello":"world"}'],
    ['an empty body', ''],
  ])('turns %s into a bad_response UpstreamError', async (_label, text) => {
    const error = await rejection(providerOver(answering(answer(200, text))).chat(request({ messages: [{ role: 'user', content: 'x' }] }), context()));
    expect(isUpstreamError(error)).toBe(true);
    expect(error).toMatchObject({ failure: 'bad_response', retryable: true });
  });

  it('turns a stream of garbage into a bad_response UpstreamError', async () => {
    const result = await providerOver(answering(answer(200, 'event: message_start\ndata: {not json\n\n'))).chat(request({ messages: [{ role: 'user', content: 'x' }], stream: true }), context());
    expect(await rejection(chunksOf(result))).toMatchObject({ failure: 'bad_response' });
  });

  it('gives a non-Anthropic error page an OpenAI-shaped body that names the status', async () => {
    const error = await rejection(providerOver(answering(answer(502, '<html>Bad Gateway</html>', { 'retry-after': '2' }))).chat(request({ messages: [{ role: 'user', content: 'x' }] }), context()));
    expect(error).toMatchObject({ failure: 'status', status: 502, retryable: true, retryAfterMs: 2000, upstreamBody: { error: { type: 'server_error', message: expect.stringContaining('502') } } });
  });

  it('reports a refused connection as a connection failure', async () => {
    const http: HttpClient = { request: () => Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') })) };
    expect(await rejection(providerOver(http).chat(request({ messages: [{ role: 'user', content: 'x' }] }), context()))).toMatchObject({ failure: 'connection', retryable: true });
  });

  it('reports an upstream that never answers as a timeout', async () => {
    // Answers only when the provider gives up, so the test waits on the abort, not on a clock.
    const http: HttpClient = { request: (input) => new Promise((_resolve, reject) => input.signal.addEventListener('abort', () => reject(input.signal.reason as Error), { once: true })) };
    const error = await rejection(providerOver(http).chat(request({ messages: [{ role: 'user', content: 'x' }] }), { signal: new AbortController().signal, timeoutMs: 1 }));
    expect(error).toMatchObject({ failure: 'timeout', retryable: true });
  });

  it('reports a call the client gave up on as aborted', async () => {
    const http: HttpClient = { request: (input) => new Promise((_resolve, reject) => input.signal.addEventListener('abort', () => reject(input.signal.reason as Error), { once: true })) };
    const controller = new AbortController();
    const pending = rejection(providerOver(http).chat(request({ messages: [{ role: 'user', content: 'x' }] }), { signal: controller.signal, timeoutMs: 60_000 }));
    controller.abort(new Error('client went away'));
    expect(await pending).toMatchObject({ failure: 'aborted' });
  });
});
