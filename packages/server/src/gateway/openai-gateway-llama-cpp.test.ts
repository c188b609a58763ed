import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, writeRandomGguf } from '@keel/testing';

let server: TestServer;
let directory: string;
let key: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'keel-gguf-'));
  const modelPath = path.join(directory, 'tiny.gguf');
  await writeRandomGguf(modelPath, { seed: 3 });
  server = await startTestServer();
  const headers = { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' };
  const put = await fetch(`${server.url}/api/v1/gateway/config`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({
      providers: [{ name: 'local', type: 'llama-cpp', model_path: modelPath, threads: 1, context_size: 512 }],
      models: [
        { name: 'tiny', targets: [{ provider: 'local', model: 'tiny' }] },
        { name: 'tiny-embed', kind: 'embedding', targets: [{ provider: 'local', model: 'tiny' }] },
      ],
    }),
  });
  expect(put.status, await put.text()).toBe(200);
  const created = await fetch(`${server.url}/api/v1/gateway/keys`, { method: 'POST', headers, body: JSON.stringify({ name: 'local-user' }) });
  key = ((await created.json()) as { secret: string }).secret;
});

afterAll(async () => {
  await server?.close();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

describe('a local GGUF model through the gateway (node-llama-cpp, random weights)', () => {
  it('answers plain and streamed chat with exact usage, and embeds', async () => {
    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    const answer = await openai.chat.completions.create({ model: 'tiny', max_tokens: 5, seed: 1, messages: [{ role: 'user', content: 'hello' }] });
    expect(answer.usage?.completion_tokens).toBe(5);
    expect(answer.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(answer.choices[0]?.finish_reason).toBe('length');

    const stream = await openai.chat.completions.create({ model: 'tiny', max_tokens: 5, seed: 1, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hello' }] });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(answer.choices[0]?.message.content);
    expect(usage?.completion_tokens).toBe(5);

    const embedded = await openai.embeddings.create({ model: 'tiny-embed', input: 'hello world', encoding_format: 'float' });
    expect(embedded.data[0]?.embedding).toHaveLength(64);
  });
});
