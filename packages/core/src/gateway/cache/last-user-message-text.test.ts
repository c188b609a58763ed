import { describe, expect, it } from 'vitest';
import { lastUserMessageText } from './last-user-message-text.ts';

describe('lastUserMessageText', () => {
  it('reads the last user message, not an earlier one nor a later assistant or tool message', () => {
    expect(
      lastUserMessageText({
        messages: [
          { role: 'system', content: 'sys' },
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'answer' },
          { role: 'user', content: 'second' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', content: 'result', tool_call_id: 'c1' },
        ],
      }),
    ).toBe('second');
  });

  it('joins text parts with newlines and skips other parts', () => {
    expect(
      lastUserMessageText({
        messages: [{ role: 'user', content: [{ type: 'text', text: 'look at' }, { type: 'image_url', image_url: { url: 'data:,' } }, { type: 'text', text: 'this' }] }],
      }),
    ).toBe('look at\nthis');
    expect(lastUserMessageText({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] }] })).toBe('');
  });

  it('is undefined without a user message', () => {
    expect(lastUserMessageText({ messages: [{ role: 'system', content: 'only a system prompt' }] })).toBeUndefined();
  });
});
