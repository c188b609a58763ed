import { describe, expect, it } from 'vitest';
import { isUpstreamError } from '../upstream-error.ts';
import { fromAnthropicMessage } from './from-anthropic-message.ts';

const message = (overrides: Record<string, unknown> = {}) => ({
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [{ type: 'text', text: 'Hello' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 3 },
  ...overrides,
});

describe('fromAnthropicMessage', () => {
  it('translates a text answer', () => {
    expect(fromAnthropicMessage(message(), 1_700_000_000)).toEqual({
      id: 'msg_01',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'claude-sonnet-4-5-20250929',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello', refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, prompt_tokens_details: { cached_tokens: 0 } },
    });
  });

  it('turns tool_use blocks into tool calls with JSON arguments, skipping blocks it does not know', () => {
    const completion = fromAnthropicMessage(
      message({
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 'sig' },
          { type: 'text', text: 'Let me check. ' },
          { type: 'text', text: 'One moment.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris', days: 2 } },
          { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} },
        ],
        stop_reason: 'tool_use',
      }),
      0,
    );
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: 'Let me check. One moment.',
        refusal: null,
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","days":2}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'now', arguments: '{}' } },
        ],
      },
      finish_reason: 'tool_calls',
      logprobs: null,
    });
  });

  it('gives null content when there is no text', () => {
    const completion = fromAnthropicMessage(message({ content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }], stop_reason: 'tool_use' }), 0);
    expect(completion.choices[0]?.message.content).toBeNull();
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'stop'],
  ])('maps stop_reason %s to finish_reason %s', (stopReason, finishReason) => {
    expect(fromAnthropicMessage(message({ stop_reason: stopReason }), 0).choices[0]?.finish_reason).toBe(finishReason);
  });

  it('counts cache reads and writes as prompt tokens, and cache reads as cached tokens', () => {
    const completion = fromAnthropicMessage(message({ usage: { input_tokens: 5, output_tokens: 7, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 } }), 0);
    expect(completion.usage).toEqual({ prompt_tokens: 125, completion_tokens: 7, total_tokens: 132, prompt_tokens_details: { cached_tokens: 100 } });
  });

  it.each([
    ['not an object', 'oops'],
    ['no content', message({ content: undefined })],
    ['no usage', message({ usage: undefined })],
    ['a text block without text', message({ content: [{ type: 'text' }] })],
    ['a tool_use block without an id', message({ content: [{ type: 'tool_use', name: 'f', input: {} }] })],
    ['negative token counts', message({ usage: { input_tokens: -1, output_tokens: 1 } })],
    ["an error body", { type: 'error', error: { type: 'api_error', message: 'x' } }],
  ])('throws a bad_response UpstreamError for %s', (_label, body) => {
    let caught: unknown;
    try {
      fromAnthropicMessage(body, 0);
    } catch (error) {
      caught = error;
    }
    expect(isUpstreamError(caught)).toBe(true);
    expect(caught).toMatchObject({ failure: 'bad_response', retryable: true });
  });
});
