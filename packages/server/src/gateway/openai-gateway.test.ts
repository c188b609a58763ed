import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConfigInput } from '@keel/spec';
import { type FakeAnthropicServer, gatewayAdmin, type GatewayAdmin, type FakeOpenAiServer, pollUntil, startFakeAnthropicServer, startFakeOpenAiServer, startTestServer, type TestServer } from '@keel/testing';

let server: TestServer;
let primary: FakeOpenAiServer;
let secondary: FakeOpenAiServer;
let bare: FakeOpenAiServer;
let anthropic: FakeAnthropicServer;

let admin: GatewayAdmin;
const api: GatewayAdmin['api'] = (method, path, body) => admin.api(method, path, body);
const configure: GatewayAdmin['configure'] = (config) => admin.configure(config);
const createKey: GatewayAdmin['createKey'] = (name, extra) => admin.createKey(name, extra);

function client(apiKey: string): OpenAI {
  return new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });
}

function baseConfig(): GatewayConfigInput {
  return {
    providers: [
      { name: 'primary', type: 'openai-compatible', base_url: primary.baseURL, api_key: 'sk-primary-secret' },
      { name: 'secondary', type: 'openai', base_url: secondary.baseURL, api_key: 'sk-secondary-secret' },
      { name: 'bare', type: 'openai-compatible', base_url: bare.baseURL },
      { name: 'claude', type: 'anthropic', base_url: anthropic.baseURL, api_key: 'sk-ant-test' },
    ],
    models: [
      { name: 'smart', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }], fallbacks: [{ provider: 'secondary', model: 'gpt-4o' }] },
      { name: 'claude', targets: [{ provider: 'claude', model: 'claude-3-5-haiku-latest' }] },
      { name: 'bare', targets: [{ provider: 'bare', model: 'local-model' }] },
      { name: 'embed', kind: 'embedding', targets: [{ provider: 'primary', model: 'text-embedding-3-small' }] },
    ],
    retry: { attempts: 1, base_delay_ms: 1, max_delay_ms: 5 },
    circuit_breaker: { failures: 50, cooldown_ms: 1000 },
  };
}

beforeAll(async () => {
  [primary, secondary, bare, anthropic] = await Promise.all([startFakeOpenAiServer(), startFakeOpenAiServer({ reply: () => 'from the fallback' }), startFakeOpenAiServer({ omitUsage: true, reply: () => 'four words of answer' }), startFakeAnthropicServer()]);
  server = await startTestServer();
  admin = gatewayAdmin(server.url, server.adminKey);
  await configure(baseConfig());
});

afterAll(async () => {
  await server?.close();
  await Promise.all([primary?.close(), secondary?.close(), bare?.close(), anthropic?.close()]);
});

describe('the OpenAI-compatible gateway, driven by the openai SDK', () => {
  it('answers a chat completion with usage and a request id, and lists the models', async () => {
    const key = await createKey('basic');
    const { data, response } = await client(key).chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hello there' }] }).withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: hello there');
    expect(data.usage?.prompt_tokens).toBe(2);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(response.headers.get('x-keel-target')).toBe('primary/gpt-4o-mini');
    expect(primary.requests.at(-1)?.headers.authorization).toBe('Bearer sk-primary-secret');
    expect(primary.requests.at(-1)?.body.model).toBe('gpt-4o-mini');
    const models = await client(key).models.list();
    expect(models.data.map((model) => model.id).sort()).toEqual(['bare', 'claude', 'embed', 'smart']);
  });

  it('streams, asking upstream for usage but passing the usage chunk on only when the client asked', async () => {
    const key = await createKey('streamer');
    const stream = await client(key).chat.completions.create({ model: 'smart', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'one two three' }] });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('echo: one two three');
    expect(usage?.completion_tokens).toBe(4);

    const plain = await client(key).chat.completions.create({ model: 'smart', stream: true, messages: [{ role: 'user', content: 'again' }] });
    const chunks = [];
    for await (const chunk of plain) chunks.push(chunk);
    expect(primary.requests.at(-1)?.body.stream_options).toEqual({ include_usage: true });
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
  });

  it('passes tools, tool calls, response_format, n, stop, seed and logprobs through', async () => {
    const key = await createKey('tools');
    const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const answer = await client(key).chat.completions.create({
      model: 'smart', messages: [{ role: 'user', content: 'weather?' }], tools, n: 1, stop: ['END'], seed: 7, logprobs: false,
      response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: { type: 'object' } } },
    });
    expect(answer.choices[0]?.finish_reason).toBe('tool_calls');
    expect(answer.choices[0]?.message.tool_calls?.[0]).toMatchObject({ type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } });
    const sent = primary.requests.at(-1)?.body;
    expect(sent).toMatchObject({ tools, n: 1, stop: ['END'], seed: 7, logprobs: false, response_format: { type: 'json_schema' } });

    const stream = await client(key).chat.completions.create({ model: 'smart', stream: true, messages: [{ role: 'user', content: 'weather?' }], tools });
    let args = '';
    for await (const chunk of stream) args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
    expect(args).toBe('{"city":"Paris"}');
  });

  it('translates to and from Anthropic, plain and streamed', async () => {
    const key = await createKey('claude-user');
    const answer = await client(key).chat.completions.create({ model: 'claude', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi claude' }] });
    expect(answer.choices[0]?.message.content).toContain('hi claude');
    expect(answer.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(anthropic.requests.at(-1)?.body).toMatchObject({ system: 'be brief', model: 'claude-3-5-haiku-latest' });
    const stream = await client(key).chat.completions.create({ model: 'claude', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream please' }] });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toContain('stream please');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('falls back to the next target on 5xx and 429, and passes a 400 back', async () => {
    const key = await createKey('fallback');
    primary.failNext(500, 'boom');
    primary.failNext(503, 'still down');
    const answer = await client(key).chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'x' }] });
    expect(answer.choices[0]?.message.content).toBe('from the fallback');

    primary.failNext(429, 'slow down', 0);
    const retried = await client(key).chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'after 429' }] });
    expect(retried.choices[0]?.message.content).toBe('echo: after 429');

    primary.failNext(400, 'your request is wrong');
    const error = await client(key).chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('your request is wrong');
  });

  it('answers clean errors for garbage, hung and dropped upstreams, and never hangs', async () => {
    await configure({ ...baseConfig(), models: [{ name: 'fragile', targets: [{ provider: 'primary', model: 'gpt-4o-mini', timeout_ms: 300 }] }], retry: { attempts: 0, base_delay_ms: 1, max_delay_ms: 1 } });
    const key = await createKey('faults');
    const call = (stream: boolean) => client(key).chat.completions.create({ model: 'fragile', stream: stream as false, messages: [{ role: 'user', content: 'alpha beta gamma' }] });

    primary.faultNext('garbage');
    const garbage = await call(false).catch((caught: unknown) => caught);
    expect(garbage).toBeInstanceOf(OpenAI.APIError);
    expect((garbage as InstanceType<typeof OpenAI.APIError>).status).toBe(502);

    primary.faultNext('hang');
    const hung = await call(false).catch((caught: unknown) => caught);
    expect((hung as InstanceType<typeof OpenAI.APIError>).status).toBe(504);

    primary.faultNext('trickle');
    const trickle = (await call(true)) as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>;
    const trickled = await (async () => {
      for await (const chunk of trickle) void chunk;
    })().catch((caught: unknown) => caught);
    expect(String(trickled)).toMatch(/sent nothing for 300 ms/);

    // The connection drops after the first content chunk: whether that lands before or after the
    // first byte reached the client (a 502, or an error inside the stream), the client hears of it.
    primary.faultNext('drop');
    const cut = await (async () => {
      const dropped = (await call(true)) as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>;
      for await (const chunk of dropped) void chunk;
    })().catch((caught: unknown) => caught);
    expect(cut).toBeInstanceOf(Error);

    primary.failNext(500, 'always');
    const exhausted = await call(false).catch((caught: unknown) => caught);
    expect((exhausted as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    await configure(baseConfig());
  });

  it('aborts the upstream request when the client goes away', async () => {
    await configure({ ...baseConfig(), models: [{ name: 'fragile', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] }] });
    const key = await createKey('leaver');
    const before = primary.abortedRequests();
    primary.faultNext('hang');
    const controller = new AbortController();
    const pending = client(key).chat.completions.create({ model: 'fragile', messages: [{ role: 'user', content: 'x' }] }, { signal: controller.signal }).catch((caught: unknown) => caught);
    const seen = primary.requests.length;
    await pollUntil('the upstream got the request', async () => (primary.requests.length > seen ? true : undefined));
    controller.abort();
    await pending;
    await pollUntil('the upstream request was aborted', async () => (primary.abortedRequests() > before ? true : undefined));
    await configure(baseConfig());
  });

  it('estimates usage with a tokenizer when the upstream reports none, and marks it', async () => {
    const key = await createKey('estimated');
    const answer = await client(key).chat.completions.create({ model: 'bare', messages: [{ role: 'user', content: 'count me' }] });
    expect(answer.usage).toBeUndefined();
    const row = await pollUntil('estimated usage recorded', async () => {
      const usage = await api('GET', '/api/v1/gateway/usage?group_by=key');
      return (usage.json as { rows: { key: string | null; estimated_requests: number; output_tokens: number }[] }).rows.find((candidate) => candidate.key === 'estimated');
    });
    expect(row).toMatchObject({ estimated_requests: 1, output_tokens: 4 });
  });

  it('answers OpenAI-shaped 400, 401, 403 and 404 errors', async () => {
    const key = await createKey('limited-models', { models: ['claude'] });
    const bad = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'claude', messages: [{ role: 'wizard', content: 'x' }] }) });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-request-id')).toMatch(/^req_/);
    const body = (await bad.json()) as { error: { type: string; message: string; param: string | null } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.param).toBe('messages.0.role');

    await expect(client('keel-vk-not-a-real-key').chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(client(key).chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    await expect(client(key).chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('embeds through an embedding route', async () => {
    const key = await createKey('embedder');
    const answer = await client(key).embeddings.create({ model: 'embed', input: ['a b c', 'd'], encoding_format: 'float' });
    expect(answer.data).toHaveLength(2);
    expect(answer.usage.prompt_tokens).toBe(4);
  });
});
