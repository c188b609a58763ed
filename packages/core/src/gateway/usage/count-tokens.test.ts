import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '@keel/spec';
import { countChatPromptTokens, countCompletionTokens, countTextTokens } from './count-tokens.ts';

// An independent reference: gpt-tokenizer's own ChatML rendering for gpt-4o (which ignores `name`).
const gpt4o = createRequire(import.meta.url)('gpt-tokenizer/model/gpt-4o') as { encodeChat(chat: { role: 'system' | 'user' | 'assistant'; content: string }[]): number[] };

const conversation: { role: 'system' | 'user' | 'assistant'; content: string }[] = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'hello world' },
  { role: 'assistant', content: 'Hi! How can I help?' },
  { role: 'user', content: 'Tell me a joke about tokenizers, in French please.' },
];

const request = (messages: ChatCompletionRequest['messages'], extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({ model: 'gpt-4o', messages, ...extra });

describe('countTextTokens', () => {
  it('counts o200k_base tokens', () => {
    expect(countTextTokens('hello world')).toBe(2);
    expect(countTextTokens('Hello, world!')).toBe(4);
    expect(countTextTokens('The quick brown fox jumps over the lazy dog.')).toBe(10);
    expect(countTextTokens('héllo 世界')).toBe(3);
    expect(countTextTokens('')).toBe(0);
  });

  it('gives the same count for a text counted again (remembered) and for texts past the memo\'s bounds', () => {
    const prompt = 'You are a helpful assistant. Answer in one sentence.';
    const first = countTextTokens(prompt);
    expect(countTextTokens(prompt)).toBe(first);
    // Longer than the memo keeps: counted afresh each time, with the same answer.
    const long = 'word '.repeat(5000);
    const counted = countTextTokens(long);
    expect(counted).toBeGreaterThan(4000);
    expect(countTextTokens(long)).toBe(counted);
  });

  it('counts the spelling of a special token as plain text instead of throwing', () => {
    expect(countTextTokens('<|endoftext|>')).toBe(7);
  });
});

describe('countChatPromptTokens', () => {
  it('counts 3 per message, the role and the content, and 3 for the reply priming', () => {
    // 3 + 1 ("user") + 2 ("hello world") + 3.
    expect(countChatPromptTokens(request([{ role: 'user', content: 'hello world' }]))).toBe(9);
    expect(countChatPromptTokens(request(conversation.slice(0, 2)))).toBe(19);
  });

  it('agrees with gpt-tokenizer rendering the conversation in ChatML for gpt-4o', () => {
    for (let length = 1; length <= conversation.length; length += 1) {
      const messages = conversation.slice(0, length);
      expect(countChatPromptTokens(request(messages))).toBe(gpt4o.encodeChat(messages).length);
    }
  });

  it('counts text parts like string content, a name as its tokens plus one, and an image as at least 85', () => {
    const plain = countChatPromptTokens(request([{ role: 'user', content: 'hello world' }]));
    expect(countChatPromptTokens(request([{ role: 'user', content: [{ type: 'text', text: 'hello world' }] }]))).toBe(plain);
    // "alice" is one token.
    expect(countChatPromptTokens(request([{ role: 'user', name: 'alice', content: 'hello world' }]))).toBe(plain + 2);
    expect(countChatPromptTokens(request([{ role: 'user', content: [{ type: 'text', text: 'hello world' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }]))).toBe(plain + 85);
  });

  it('counts tool definitions as JSON text and the tool calls of assistant messages', () => {
    const tools: ChatCompletionRequest['tools'] = [
      { type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
    ];
    const plain = countChatPromptTokens(request([{ role: 'user', content: 'hello world' }]));
    // The definitions' JSON is 35 tokens.
    expect(countChatPromptTokens(request([{ role: 'user', content: 'hello world' }], { tools }))).toBe(plain + 35);
    const withCall = request([
      { role: 'user', content: 'hello world' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    ]);
    // 3 + 1 ("assistant") + 2 ("get_weather") + 5 ('{"city":"Paris"}').
    expect(countChatPromptTokens(withCall)).toBe(plain + 11);
  });

  it('is never zero, even for an empty message', () => {
    expect(countChatPromptTokens(request([{ role: 'user', content: '' }]))).toBe(7);
  });
});

describe('countCompletionTokens', () => {
  it('counts content, refusal and tool calls of every choice', () => {
    expect(
      countCompletionTokens({
        choices: [
          { index: 0, message: { role: 'assistant', content: 'Hello, world!' }, finish_reason: 'stop' },
          { index: 1, message: { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }, finish_reason: 'tool_calls' },
        ],
      }),
    ).toBe(4 + 2 + 5);
  });
});

describe('loading the tokenizer', () => {
  it('loads only the o200k_base table, and only on the first count', () => {
    const modulePath = fileURLToPath(new URL('./count-tokens.ts', import.meta.url));
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const tables = () => Object.keys(require.cache).filter((path) => /bpeRanks/.test(path)).map((path) => path.split(/bpeRanks[\\\\/]/)[1]);
      const { countTextTokens } = await import(${JSON.stringify(modulePath)});
      const before = tables();
      const count = countTextTokens('hello world');
      console.log(JSON.stringify({ before, count, after: tables() }));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ before: [], count: 2, after: ['o200k_base.js'] });
  });
});
