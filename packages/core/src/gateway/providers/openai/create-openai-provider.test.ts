import { describe, expect, it } from 'vitest';
import type { HttpClient, HttpRequestInput } from '../../http-client.ts';
import { isUpstreamError } from '../upstream-error.ts';
import { createOpenAiProvider } from './create-openai-provider.ts';

/** An HttpClient that records the request and answers with `status` and `body`. */
function stubHttp(status: number, body: string, headers: Record<string, string> = {}): HttpClient & { seen: HttpRequestInput[] } {
  const seen: HttpRequestInput[] = [];
  return {
    seen,
    async request(input) {
      seen.push(input);
      const bytes = new TextEncoder().encode(body);
      return {
        status,
        headers,
        body: (async function* () {
          yield bytes;
        })(),
        text: async () => body,
        dump: async () => undefined,
      };
    },
  };
}

const completion = JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } });
const context = () => ({ signal: new AbortController().signal, timeoutMs: 1000 });

describe('createOpenAiProvider', () => {
  it('speaks Azure OpenAI: deployment URL, api-version, api-key header', async () => {
    const http = stubHttp(200, completion);
    const provider = createOpenAiProvider({ type: 'azure', name: 'azure', http, baseUrl: 'https://example.openai.azure.com/', apiKey: 'azure-key', apiVersion: '2024-10-21', deployments: { 'gpt-4o': 'prod-4o' }, nowMs: () => 0 });
    const result = await provider.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }, context());
    expect(result.stream).toBe(false);
    expect(http.seen[0]?.url).toBe('https://example.openai.azure.com/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21');
    expect(http.seen[0]?.headers['api-key']).toBe('azure-key');
    expect(http.seen[0]?.headers.authorization).toBeUndefined();
    await provider.embed({ model: 'text-embedding-3-small', input: 'x' }, context()).catch(() => undefined);
    expect(http.seen[1]?.url).toBe('https://example.openai.azure.com/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21');
  });

  it('speaks OpenAI: bearer key and the base URL as given, keeping the upstream text to forward', async () => {
    const http = stubHttp(200, completion);
    const provider = createOpenAiProvider({ type: 'openai-compatible', name: 'vllm', http, baseUrl: 'http://127.0.0.1:8000/v1', apiKey: 'k', nowMs: () => 0 });
    const result = await provider.chat({ model: 'llama', messages: [{ role: 'user', content: 'x' }] }, context());
    expect(http.seen[0]?.url).toBe('http://127.0.0.1:8000/v1/chat/completions');
    expect(http.seen[0]?.headers.authorization).toBe('Bearer k');
    expect(result.stream === false && result.raw).toBe(completion);
  });

  it('asks for usage on every stream', async () => {
    const http = stubHttp(200, 'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n');
    const provider = createOpenAiProvider({ type: 'openai', name: 'openai', http, baseUrl: 'https://api.openai.com/v1', nowMs: () => 0 });
    const result = await provider.chat({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }, context());
    expect(JSON.parse(http.seen[0]?.body ?? '{}')).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(result.stream).toBe(true);
  });

  it('turns garbage and wrong shapes into retryable bad_response errors, and a 401 into a non-retryable one', async () => {
    for (const body of ['<html>', '{"choices": "no"}']) {
      const provider = createOpenAiProvider({ type: 'openai', name: 'openai', http: stubHttp(200, body), baseUrl: 'http://x/v1', nowMs: () => 0 });
      const error = await provider.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, context()).catch((caught: unknown) => caught);
      expect(isUpstreamError(error) && error.failure).toBe('bad_response');
      expect(isUpstreamError(error) && error.retryable).toBe(true);
    }
    const provider = createOpenAiProvider({ type: 'openai', name: 'openai', http: stubHttp(401, '{"error":{"message":"bad key"}}'), baseUrl: 'http://x/v1', nowMs: () => 0 });
    const error = await provider.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, context()).catch((caught: unknown) => caught);
    expect(isUpstreamError(error) && [error.status, error.retryable, error.message]).toEqual([401, false, 'openai answered 401: bad key']);
  });
});
