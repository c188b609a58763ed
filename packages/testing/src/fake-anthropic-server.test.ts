import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAnthropicServer, startFakeAnthropicServer } from './fake-anthropic-server.ts';

const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' };

describe('fake Anthropic server', () => {
  let upstream: FakeAnthropicServer;
  beforeAll(async () => {
    upstream = await startFakeAnthropicServer({ apiKey: 'sk-ant-test', cacheReadTokens: 2, cacheCreationTokens: 1 });
  });
  afterAll(() => upstream.close());

  const post = (body: unknown, extraHeaders: Record<string, string> = {}) => fetch(`${upstream.baseURL}/messages`, { method: 'POST', headers: { ...headers, ...extraHeaders }, body: JSON.stringify(body) });

  it('answers a message with usage that leaves cached tokens out of input_tokens', async () => {
    const response = await post({ model: 'claude-test', max_tokens: 100, system: 'be brief', messages: [{ role: 'user', content: 'hello there friend' }] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      content: [{ type: 'text', text: 'echo: hello there friend' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 2 + 3 - 2 - 1, output_tokens: 4, cache_read_input_tokens: 2, cache_creation_input_tokens: 1 },
    });
    expect(upstream.requests.at(-1)?.headers['anthropic-version']).toBe('2023-06-01');
  });

  it('streams the real event sequence', async () => {
    const response = await post({ model: 'claude-test', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'a b' }] });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    expect(events).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(text).toContain('"stop_reason":"end_turn"');
  });

  it('calls the tool the last user message names, and reads its result back', async () => {
    const tools = [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } } } }];
    const first = (await (await post({ model: 'claude-test', max_tokens: 100, tools, messages: [{ role: 'user', content: 'use get_weather please' }] })).json()) as { content: { type: string; id?: string }[]; stop_reason: string };
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toEqual([{ type: 'text', text: 'Calling get_weather.' }, { type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'get_weather', input: { city: 'fake', days: 1 } }]);
    const toolUseId = first.content[1]?.id;
    const second = (await (
      await post({
        model: 'claude-test',
        max_tokens: 100,
        tools,
        messages: [
          { role: 'user', content: 'use get_weather please' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUseId, content: 'sunny' }] },
        ],
      })
    ).json()) as { content: unknown[]; stop_reason: string };
    expect(second).toMatchObject({ content: [{ type: 'text', text: 'tool results: sunny' }], stop_reason: 'end_turn' });
  });

  it('stops at stop sequences and at max_tokens', async () => {
    const stopped = (await (await post({ model: 'claude-test', max_tokens: 100, stop_sequences: ['three'], messages: [{ role: 'user', content: 'one two three four' }] })).json()) as Record<string, unknown>;
    expect(stopped).toMatchObject({ content: [{ type: 'text', text: 'echo: one two ' }], stop_reason: 'stop_sequence', stop_sequence: 'three' });
    const cut = (await (await post({ model: 'claude-test', max_tokens: 2, messages: [{ role: 'user', content: 'one two three four' }] })).json()) as Record<string, unknown>;
    expect(cut).toMatchObject({ content: [{ type: 'text', text: 'echo: one ' }], stop_reason: 'max_tokens' });
  });

  it('rejects requests the real API rejects, in Anthropic error shape', async () => {
    const consecutive = await post({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] });
    expect(consecutive.status).toBe(400);
    expect(await consecutive.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('alternate') } });
    expect((await post({ model: 'claude-test', messages: [{ role: 'user', content: 'a' }] })).status).toBe(400);
    expect((await post({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'system', content: 'a' }] })).status).toBe(400);
    expect((await post({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'a' }] }, { 'x-api-key': 'wrong' })).status).toBe(401);
  });

  it('fails the next request on demand, with Retry-After', async () => {
    upstream.failNext(529, 'Overloaded', 3);
    const response = await post({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'a' }] });
    expect(response.status).toBe(529);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect((await post({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'a' }] })).status).toBe(200);
  });

  it('breaks the next stream on demand with an error event', async () => {
    upstream.failNextStream('error_event');
    const text = await (await post({ model: 'claude-test', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'a b c' }] })).text();
    expect(text).toContain('event: error');
    expect(text).not.toContain('message_stop');
  });
});
