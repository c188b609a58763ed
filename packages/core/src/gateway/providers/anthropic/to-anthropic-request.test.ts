import { describe, expect, it } from 'vitest';
import { chatCompletionRequestSchema, hasErrorCode, type ChatCompletionRequest } from '@keel/spec';
import { toAnthropicRequest } from './to-anthropic-request.ts';

/** Requests go through the gateway's own schema first, as they do in the server. */
const request = (body: Record<string, unknown>): ChatCompletionRequest => chatCompletionRequestSchema.parse({ model: 'claude-test', ...body });

const weatherTool = { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

describe('toAnthropicRequest', () => {
  it('moves system and developer messages into system, and defaults max_tokens', () => {
    const result = toAnthropicRequest(
      request({
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
          { role: 'user', content: 'hello' },
        ],
      }),
    );
    expect(result).toEqual({ model: 'claude-test', max_tokens: 4096, system: 'You are terse.\n\nAnswer in French.', messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }] });
  });

  it('prefers max_completion_tokens over max_tokens, and maps sampling, stop, user and stream', () => {
    const result = toAnthropicRequest(request({ messages: [{ role: 'user', content: 'x' }], max_tokens: 50, max_completion_tokens: 70, temperature: 0.3, top_p: 0.9, stop: 'END', user: 'user-7', stream: true, seed: 4, logprobs: true }));
    expect(result).toEqual({ model: 'claude-test', max_tokens: 70, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }], temperature: 0.3, top_p: 0.9, stop_sequences: ['END'], metadata: { user_id: 'user-7' }, stream: true });
    expect(toAnthropicRequest(request({ messages: [{ role: 'user', content: 'x' }], max_tokens: 50, stop: ['a', 'b'] }))).toMatchObject({ max_tokens: 50, stop_sequences: ['a', 'b'] });
  });

  it("clamps OpenAI's 0..2 temperature into Anthropic's 0..1", () => {
    expect(toAnthropicRequest(request({ messages: [{ role: 'user', content: 'x' }], temperature: 1.6 })).temperature).toBe(1);
  });

  it('translates text and image parts', () => {
    const result = toAnthropicRequest(
      request({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
            ],
          },
        ],
      }),
    );
    expect(result.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });

  it('refuses content parts Anthropic cannot take, naming the part', () => {
    const audio = request({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }] });
    expect(() => toAnthropicRequest(audio)).toThrow(/messages\[0\]\.content\[0\].*input_audio/);
  });

  it('turns tool calls into tool_use blocks and merges consecutive tool results into one user turn', () => {
    const result = toAnthropicRequest(
      request({
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: 'Checking both.',
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
          { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'rainy' }] },
          { role: 'user', content: 'and tomorrow?' },
        ],
      }),
    );
    expect(result.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking both.' },
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: 'rainy' }] },
          { type: 'text', text: 'and tomorrow?' },
        ],
      },
    ]);
    expect(result.tools).toEqual([{ name: 'get_weather', description: 'Weather for a city', input_schema: weatherTool.function.parameters }]);
  });

  it('merges consecutive same-role turns, puts tool results first, and drops empty assistant turns', () => {
    const result = toAnthropicRequest(
      request({
        messages: [
          { role: 'user', content: 'one' },
          { role: 'user', content: 'two' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'ping', arguments: '' } }] },
          { role: 'user', content: 'note first' },
          { role: 'tool', tool_call_id: 'call_9', content: 'pong' },
          { role: 'assistant', content: '' },
        ],
      }),
    );
    expect(result.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_9', name: 'ping', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_9', content: 'pong' }, { type: 'text', text: 'note first' }] },
    ]);
  });

  it('refuses tool call arguments that are not a JSON object', () => {
    const bad = request({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', tool_calls: [{ id: 'call_x', type: 'function', function: { name: 'f', arguments: '[1,2' } }] }] });
    expect(() => toAnthropicRequest(bad)).toThrow(/call_x/);
  });

  it('maps tool_choice and parallel_tool_calls', () => {
    const base = { messages: [{ role: 'user', content: 'x' }], tools: [weatherTool] };
    expect(toAnthropicRequest(request(base)).tool_choice).toBeUndefined();
    expect(toAnthropicRequest(request({ ...base, tool_choice: 'auto' })).tool_choice).toEqual({ type: 'auto' });
    expect(toAnthropicRequest(request({ ...base, tool_choice: 'none' })).tool_choice).toEqual({ type: 'none' });
    expect(toAnthropicRequest(request({ ...base, tool_choice: 'required' })).tool_choice).toEqual({ type: 'any' });
    expect(toAnthropicRequest(request({ ...base, tool_choice: { type: 'function', function: { name: 'get_weather' } } })).tool_choice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(toAnthropicRequest(request({ ...base, parallel_tool_calls: false })).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(toAnthropicRequest(request({ ...base, tool_choice: 'required', parallel_tool_calls: false })).tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    // Without tools Anthropic rejects a tool_choice, so none is sent.
    expect(toAnthropicRequest(request({ messages: [{ role: 'user', content: 'x' }], tool_choice: 'required' })).tool_choice).toBeUndefined();
  });

  it('gives a tool without parameters an empty object schema', () => {
    const result = toAnthropicRequest(request({ messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'now' } }] }));
    expect(result.tools).toEqual([{ name: 'now', input_schema: { type: 'object', properties: {} } }]);
  });

  it('asks for JSON through the system prompt for response_format (best effort)', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const result = toAnthropicRequest(
      request({ messages: [{ role: 'system', content: 'Be helpful.' }, { role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'reply', schema } } }),
    );
    expect(result.system?.startsWith('Be helpful.\n\n')).toBe(true);
    expect(result.system).toContain('"reply"');
    expect(result.system).toContain(JSON.stringify(schema));
    expect(toAnthropicRequest(request({ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } })).system).toMatch(/JSON object/);
    expect(toAnthropicRequest(request({ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'text' } })).system).toBeUndefined();
  });

  it('answers n > 1 with a 400 that says why', () => {
    let caught: unknown;
    try {
      toAnthropicRequest(request({ messages: [{ role: 'user', content: 'x' }], n: 2 }));
    } catch (error) {
      caught = error;
    }
    expect(hasErrorCode(caught, 'INVALID_PARAMETER_VALUE')).toBe(true);
    expect((caught as Error).message).toMatch(/n > 1/);
    expect(toAnthropicRequest(request({ messages: [{ role: 'user', content: 'x' }], n: 1 })).messages).toHaveLength(1);
  });

  it('refuses a conversation with nothing but a system prompt', () => {
    expect(() => toAnthropicRequest(request({ messages: [{ role: 'system', content: 'x' }] }))).toThrow(/at least one user or assistant message/);
  });
});
