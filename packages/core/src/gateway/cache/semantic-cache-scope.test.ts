import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '@keel/spec';
import { semanticCacheScope } from './semantic-cache-scope.ts';

const base: ChatCompletionRequest = {
  model: 'gpt-4o-mini',
  temperature: 0,
  messages: [
    { role: 'system', content: 'You answer questions about geography.' },
    { role: 'user', content: 'What is the capital of France?' },
  ],
};

function withLastUser(content: ChatCompletionRequest['messages'][number]['content']): ChatCompletionRequest {
  return { ...base, messages: [base.messages[0] ?? { role: 'system', content: '' }, { role: 'user', content } as ChatCompletionRequest['messages'][number]] };
}

describe('semanticCacheScope', () => {
  it('ignores the wording of the last user message, and its form (string or text parts)', () => {
    const scope = semanticCacheScope(1, base);
    expect(scope).toMatch(/^1:semantic:[0-9a-f]{64}$/);
    expect(semanticCacheScope(1, withLastUser('Which city is the capital of France?'))).toBe(scope);
    expect(semanticCacheScope(1, withLastUser([{ type: 'text', text: 'France: capital?' }]))).toBe(scope);
  });

  it('ignores stream, stream_options and user', () => {
    expect(semanticCacheScope(1, { ...base, stream: true, stream_options: { include_usage: true }, user: 'u' })).toBe(semanticCacheScope(1, base));
  });

  it('differs by project, model, parameters and everything around the last user message', () => {
    const scope = semanticCacheScope(1, base);
    const others = [
      semanticCacheScope(2, base),
      semanticCacheScope(1, { ...base, model: 'gpt-4o' }),
      semanticCacheScope(1, { ...base, temperature: 1 }),
      semanticCacheScope(1, { ...base, tools: [{ type: 'function', function: { name: 'lookup' } }] }),
      semanticCacheScope(1, { ...base, messages: [{ role: 'system', content: 'You answer in French.' }, ...base.messages.slice(1)] }),
      semanticCacheScope(1, { ...base, messages: [...base.messages, { role: 'assistant', content: 'Paris.' }] }),
      semanticCacheScope(1, withLastUser([{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }])),
      semanticCacheScope(1, withLastUser([{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'https://example.com/b.png' } }])),
    ];
    expect(new Set([scope, ...others]).size).toBe(others.length + 1);
  });

  it('compares only the last user message: an earlier user message is part of the scope', () => {
    const earlier: ChatCompletionRequest = { ...base, messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'Capital of France?' }] };
    const otherEarlier: ChatCompletionRequest = { ...base, messages: [{ role: 'user', content: 'Hey' }, { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'Capital of France?' }] };
    expect(semanticCacheScope(1, earlier)).not.toBe(semanticCacheScope(1, otherEarlier));
  });
});
