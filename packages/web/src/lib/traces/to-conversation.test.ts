import { describe, expect, it } from 'vitest';
import { previewText, retrievedDocuments, toConversation } from './to-conversation.ts';

describe('toConversation', () => {
  it('reads text, tool calls in the shapes of OTel GenAI, OpenAI and the AI SDK, and tool results', () => {
    const conversation = toConversation([
      { role: 'system', content: 'Be brief.' },
      { role: 'assistant', content: [{ type: 'tool_call', id: 'c1', name: 'get_order', arguments: { id: 1 } }] },
      { role: 'assistant', content: '', tool_calls: [{ id: 'c2', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] },
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c3', toolName: 'search', input: { q: 'y' } }] },
      { role: 'tool', content: [{ type: 'tool_call_response', id: 'c1', response: { ok: true } }] },
    ]);
    expect(conversation).toEqual([
      { role: 'system', parts: [{ kind: 'text', text: 'Be brief.' }] },
      { role: 'assistant', parts: [{ kind: 'tool_call', name: 'get_order', id: 'c1', args: { id: 1 } }] },
      { role: 'assistant', parts: [{ kind: 'tool_call', name: 'lookup', id: 'c2', args: { q: 'x' } }] },
      { role: 'assistant', parts: [{ kind: 'tool_call', name: 'search', id: 'c3', args: { q: 'y' } }] },
      { role: 'tool', parts: [{ kind: 'tool_result', id: 'c1', result: { ok: true } }] },
    ]);
  });

  it('reads OpenInference tool calls flattened into dotted keys', () => {
    const [message] = toConversation([{ role: 'assistant', content: [{ type: 'tool_call', 'tool_call.id': 'c9', 'tool_call.function.name': 'weather', 'tool_call.function.arguments': '{"city":"Oslo"}' }] }]) ?? [];
    expect(message?.parts).toEqual([{ kind: 'tool_call', name: 'weather', id: 'c9', args: { city: 'Oslo' } }]);
  });

  it('is null for values that are not messages', () => {
    expect(toConversation('plain text')).toBeNull();
    expect(toConversation([])).toBeNull();
    expect(toConversation([{ content: 'no role' }])).toBeNull();
    expect(toConversation({ role: 'user' })).toBeNull();
  });
});

describe('retrievedDocuments', () => {
  it('reads document entries with id, content, score and metadata, and skips messages', () => {
    expect(retrievedDocuments([
      { role: 'document', content: { id: 'd1', content: 'Orders ship fast.', score: 0.9, metadata: '{"source":"faq"}' } },
      { role: 'assistant', content: 'not a document' },
      { role: 'document', content: 'bare text' },
    ])).toEqual([
      { id: 'd1', content: 'Orders ship fast.', score: 0.9, metadata: { source: 'faq' } },
      { id: null, content: 'bare text', score: null, metadata: null },
    ]);
    expect(retrievedDocuments('text')).toEqual([]);
  });
});

describe('previewText', () => {
  it('picks the last message of the wanted role, or text as it is', () => {
    const messages = [{ role: 'user', content: 'first' }, { role: 'assistant', content: 'answer' }, { role: 'user', content: 'second' }];
    expect(previewText(messages, 'user')).toBe('second');
    expect(previewText(messages, 'assistant')).toBe('answer');
    expect(previewText('hello', 'user')).toBe('hello');
    expect(previewText(null, 'user')).toBe('');
  });
});
