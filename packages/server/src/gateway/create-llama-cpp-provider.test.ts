import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, type Llama, type LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@keel/spec';
import { writeRandomGguf } from '@keel/testing';
import { createLlamaCppProvider, type LlamaCppProvider } from './create-llama-cpp-provider.ts';

const chatTemplate = "{{ bos_token }}{% for message in messages %}{{ message['role'] }}> {{ message['content'] }}\n{% endfor %}{% if add_generation_prompt %}assistant> {% endif %}";
const messages: ChatCompletionRequest['messages'] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Say hello to the world' },
];

let directory: string;
let plainPath: string;
let provider: LlamaCppProvider;
let templated: LlamaCppProvider;
let llama: Llama;
let tokenizerModel: LlamaModel;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'keel-llama-cpp-'));
  plainPath = join(directory, 'plain.gguf');
  const templatedPath = join(directory, 'templated.gguf');
  await writeRandomGguf(plainPath, { seed: 1 });
  await writeRandomGguf(templatedPath, { seed: 2, chatTemplate });
  provider = await createLlamaCppProvider({ modelPath: plainPath, threads: 1, contextSize: 512 });
  templated = await createLlamaCppProvider({ modelPath: templatedPath, threads: 1, contextSize: 512 });
  // A separate instance of the same model: the reference tokenizer for expected counts.
  llama = await getLlama({ gpu: false, build: 'never', maxThreads: 1, progressLogs: false });
  tokenizerModel = await llama.loadModel({ modelPath: plainPath, gpuLayers: 0 });
});

afterAll(async () => {
  await provider?.close();
  await templated?.close();
  await tokenizerModel?.dispose();
  await llama?.dispose();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

const liveContext = (signal: AbortSignal = new AbortController().signal) => ({ signal, timeoutMs: 60_000 });

async function complete(target: LlamaCppProvider, request: Partial<ChatCompletionRequest>, signal?: AbortSignal): Promise<ChatCompletion> {
  const result = await target.chat({ model: 'tiny', messages, ...request, stream: false }, liveContext(signal));
  if (result.stream) throw new Error('expected a completion');
  return result.completion;
}

async function streamChunks(target: LlamaCppProvider, request: Partial<ChatCompletionRequest>): Promise<ChatCompletionChunk[]> {
  const result = await target.chat({ model: 'tiny', messages, ...request, stream: true }, liveContext());
  if (!result.stream) throw new Error('expected a stream');
  const chunks: ChatCompletionChunk[] = [];
  for await (const item of result.chunks) chunks.push(item.chunk);
  return chunks;
}

/** LlamaCompletion prepends BOS to the prompt tokens. */
const promptTokenCount = (text: string): number => 1 + tokenizerModel.tokenize(text).length;

describe('createLlamaCppProvider', () => {
  it('answers a chat with text and exact token counts', async () => {
    const answer = await complete(provider, { max_tokens: 12, seed: 5 });
    const choice = answer.choices[0];
    expect(answer.object).toBe('chat.completion');
    expect(answer.model).toBe('tiny');
    expect(choice?.message.role).toBe('assistant');
    expect(choice?.message.content).toMatch(/\S/);
    // The model never emits </s> (suppressed by the generator), so it runs to the limit.
    expect(choice?.finish_reason).toBe('length');
    const promptTokens = promptTokenCount('system: Be brief.\nuser: Say hello to the world\nassistant:');
    expect(answer.usage).toEqual({ prompt_tokens: promptTokens, completion_tokens: 12, total_tokens: promptTokens + 12 });
  });

  it('respects max_completion_tokens and max_tokens', async () => {
    const short = await complete(provider, { max_completion_tokens: 3, seed: 5 });
    expect(short.usage?.completion_tokens).toBe(3);
    const long = await complete(provider, { max_tokens: 12, seed: 5 });
    // The same seed replays the same tokens, so the short answer is the long one's beginning.
    expect(long.choices[0]?.message.content?.startsWith(short.choices[0]?.message.content ?? '<none>')).toBe(true);
  });

  it('streams a role chunk, token chunks, a finish chunk and then usage, matching the non-streamed answer', async () => {
    const chunks = await streamChunks(provider, { max_tokens: 12, seed: 5 });
    const answer = await complete(provider, { max_tokens: 12, seed: 5 });
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const contentChunks = chunks.filter((chunk) => typeof chunk.choices[0]?.delta.content === 'string' && chunk.choices[0].delta.content !== '');
    expect(contentChunks.length).toBeGreaterThanOrEqual(3);
    expect(contentChunks.map((chunk) => chunk.choices[0]?.delta.content).join('')).toBe(answer.choices[0]?.message.content);
    const finish = chunks.at(-2);
    expect(finish?.choices[0]?.finish_reason).toBe('length');
    const usage = chunks.at(-1);
    expect(usage?.choices).toEqual([]);
    expect(usage?.usage).toEqual(answer.usage);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it('stops at a stop string and leaves it out', async () => {
    const full = (await complete(provider, { max_tokens: 24, seed: 9 })).choices[0]?.message.content ?? '';
    const stop = full.slice(full.length >> 1, (full.length >> 1) + 3);
    const stopped = await complete(provider, { max_tokens: 24, seed: 9, stop: [stop] });
    expect(stopped.choices[0]?.finish_reason).toBe('stop');
    expect(stopped.choices[0]?.message.content).toBe(full.slice(0, full.indexOf(stop)));
  });

  it('samples differently with another seed and serves concurrent requests one at a time', async () => {
    const [first, second, other] = await Promise.all([
      complete(provider, { max_tokens: 16, seed: 11 }),
      complete(provider, { max_tokens: 16, seed: 11 }),
      complete(provider, { max_tokens: 16, seed: 12 }),
    ]);
    expect(second.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
    expect(other.choices[0]?.message.content).not.toBe(first.choices[0]?.message.content);
  });

  it('stops generating when the signal aborts, and serves the next request', async () => {
    const controller = new AbortController();
    const result = await provider.chat({ model: 'tiny', messages, stream: true, max_tokens: 100_000, seed: 3 }, liveContext(controller.signal));
    if (!result.stream) throw new Error('expected a stream');
    let contentChunks = 0;
    const reading = (async () => {
      for await (const item of result.chunks) {
        if (item.chunk.choices[0]?.delta.content) {
          contentChunks += 1;
          controller.abort();
        }
      }
    })();
    await expect(reading).rejects.toMatchObject({ kind: 'upstream', failure: 'aborted' });
    // Unaborted, it would run until the 512-token context is full.
    expect(contentChunks).toBeLessThan(100);
    const next = await complete(provider, { max_tokens: 2 });
    expect(next.usage?.completion_tokens).toBe(2);
  });

  it('rejects a call whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(complete(provider, { max_tokens: 2 }, controller.signal)).rejects.toMatchObject({ kind: 'upstream', failure: 'aborted' });
  });

  it('formats messages through the chat template when the model has one', async () => {
    const answer = await complete(templated, { max_tokens: 8, seed: 5 });
    // node-llama-cpp tokenises the template's own text (as special-token text) apart from the messages' text, each piece after BOS without a leading space.
    const pieces: [text: string, templateText: boolean][] = [['system> ', true], ['Be brief.', false], ['\nuser> ', true], ['Say hello to the world', false], ['\nassistant> ', true]];
    const templateTokens = 1 + pieces.reduce((sum, [piece, templateText]) => sum + tokenizerModel.tokenize(piece, templateText, 'trimLeadingSpace').length, 0);
    const plainTokens = promptTokenCount('system: Be brief.\nuser: Say hello to the world\nassistant:');
    expect(answer.usage?.prompt_tokens).not.toBe(plainTokens);
    expect(answer.usage?.prompt_tokens).toBe(templateTokens);
    // The template's turn separator is a stop string; the answer never contains it.
    expect(answer.choices[0]?.message.content).not.toContain('\n');
  });

  it('embeds strings into vectors of the model width, counting tokens exactly', async () => {
    const inputs = ['hello world', 'the random model'];
    const answer = await provider.embed({ model: 'tiny', input: inputs }, liveContext());
    expect(provider.embeddingSize).toBe(64);
    expect(answer.data.map((item) => item.index)).toEqual([0, 1]);
    const [first, second] = answer.data.map((item) => item.embedding);
    if (!Array.isArray(first) || !Array.isArray(second)) throw new Error('expected float vectors');
    expect(first).toHaveLength(64);
    expect(second).toHaveLength(64);
    expect(first.every(Number.isFinite)).toBe(true);
    expect(first).not.toEqual(second);
    const tokens = inputs.reduce((sum, input) => sum + 1 + tokenizerModel.tokenize(input).length, 0);
    expect(answer.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });

    const encoded = await provider.embed({ model: 'tiny', input: 'hello world', encoding_format: 'base64' }, liveContext());
    const base64 = encoded.data[0]?.embedding;
    if (typeof base64 !== 'string') throw new Error('expected base64');
    const bytes = Buffer.from(base64, 'base64');
    expect([...new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)]).toEqual(first.map((value) => Math.fround(value)));
  });

  it('refuses what a local model cannot do with a 400', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'lookup' } }];
    await expect(complete(provider, { tools })).rejects.toMatchObject({ kind: 'upstream', status: 400, retryable: false });
    await expect(provider.embed({ model: 'tiny', input: 'x', dimensions: 32 }, liveContext())).rejects.toMatchObject({ kind: 'upstream', status: 400 });
  });

  it('names the path when the model cannot be loaded', async () => {
    const missing = join(directory, 'missing.gguf');
    await expect(createLlamaCppProvider({ modelPath: missing, threads: 1 })).rejects.toThrow(`cannot load the GGUF model at ${missing}`);
  });

  it('says to install node-llama-cpp when it is missing', async () => {
    const importModule = () => Promise.reject(Object.assign(new Error("Cannot find package 'node-llama-cpp'"), { code: 'ERR_MODULE_NOT_FOUND' }));
    await expect(createLlamaCppProvider({ modelPath: plainPath, threads: 1, importModule })).rejects.toThrow(/node-llama-cpp, which is not installed; install it with `npm i -E -O node-llama-cpp@3.21.1`/);
  });
});
