import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '@keel/spec';
import type { SseEvent } from '../read-sse-events.ts';
import { isUpstreamError } from '../upstream-error.ts';
import { translateAnthropicStream } from './translate-anthropic-stream.ts';

async function* sse(events: SseEvent[]): AsyncGenerator<SseEvent> {
  yield* events;
}

const event = (type: string, data: Record<string, unknown> = {}): SseEvent => ({ event: type, data: JSON.stringify({ type, ...data }) });

const messageStart = (usage: Record<string, unknown> = { input_tokens: 12, output_tokens: 1 }) =>
  event('message_start', { message: { id: 'msg_s1', type: 'message', role: 'assistant', model: 'claude-test-1', content: [], stop_reason: null, stop_sequence: null, usage } });

async function collect(events: SseEvent[]): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const { chunk } of translateAnthropicStream(sse(events), 1_700_000_000)) chunks.push(chunk);
  return chunks;
}

async function failure(events: SseEvent[]): Promise<unknown> {
  try {
    await collect(events);
  } catch (error) {
    return error;
  }
  throw new Error('the stream did not fail');
}

describe('translateAnthropicStream', () => {
  it('translates a text stream: role first, content deltas, finish reason, then usage with no choices', async () => {
    const chunks = await collect([
      messageStart(),
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      event('ping'),
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hello' } }),
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: ' world' } }),
      event('content_block_stop', { index: 0 }),
      event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } }),
      event('message_stop'),
    ]);
    for (const chunk of chunks) expect(chunk).toMatchObject({ id: 'msg_s1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'claude-test-1' });
    expect(chunks.map((chunk) => chunk.choices)).toEqual([
      [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null }],
      [{ index: 0, delta: { content: 'Hello' }, finish_reason: null, logprobs: null }],
      [{ index: 0, delta: { content: ' world' }, finish_reason: null, logprobs: null }],
      [{ index: 0, delta: {}, finish_reason: 'stop', logprobs: null }],
      [],
    ]);
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 12, completion_tokens: 2, total_tokens: 14, prompt_tokens_details: { cached_tokens: 0 } });
  });

  it('translates tool_use blocks into indexed tool call deltas: id and name, then argument fragments', async () => {
    const chunks = await collect([
      messageStart(),
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Checking.' } }),
      event('content_block_stop', { index: 0 }),
      event('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} } }),
      event('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '' } }),
      event('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"city": "Pa' } }),
      event('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: 'ris"}' } }),
      event('content_block_stop', { index: 1 }),
      // A tool without parameters may come with no input deltas at all.
      event('content_block_start', { index: 2, content_block: { type: 'tool_use', id: 'toolu_b', name: 'now', input: {} } }),
      event('content_block_stop', { index: 2 }),
      event('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 30 } }),
      event('message_stop'),
    ]);
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta));
    expect(deltas).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Checking.' },
      { tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"city": "Pa' } }] },
      { tool_calls: [{ index: 0, function: { arguments: 'ris"}' } }] },
      { tool_calls: [{ index: 1, id: 'toolu_b', type: 'function', function: { name: 'now', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{}' } }] },
      {},
    ]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it.each([
    ['max_tokens', 'length'],
    ['stop_sequence', 'stop'],
    ['refusal', 'content_filter'],
  ])('maps stop_reason %s to finish_reason %s', async (stopReason, finishReason) => {
    const chunks = await collect([messageStart(), event('message_delta', { delta: { stop_reason: stopReason }, usage: { output_tokens: 0 } }), event('message_stop')]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe(finishReason);
  });

  it('adds cache reads and writes to prompt tokens, and takes the last reported counts', async () => {
    const chunks = await collect([
      messageStart({ input_tokens: 4, output_tokens: 1, cache_read_input_tokens: 1000, cache_creation_input_tokens: 50 }),
      event('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } }),
      event('message_stop'),
    ]);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 1054, completion_tokens: 9, total_tokens: 1063, prompt_tokens_details: { cached_tokens: 1000 } } });
  });

  it('ignores event and block types it does not know', async () => {
    const chunks = await collect([
      messageStart(),
      event('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }),
      event('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }),
      event('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: 'sig' } }),
      event('content_block_stop', { index: 0 }),
      event('brand_new_event', { anything: true }),
      event('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } }),
      event('message_stop'),
    ]);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([{ role: 'assistant', content: '' }, {}, undefined]);
  });

  it('throws a bad_response UpstreamError with an OpenAI-shaped body on an error event', async () => {
    const error = await failure([
      messageStart(),
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hel' } }),
      event('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }),
    ]);
    expect(isUpstreamError(error)).toBe(true);
    expect(error).toMatchObject({ failure: 'bad_response', message: expect.stringContaining('Overloaded'), upstreamBody: { error: { message: 'Overloaded', type: 'server_error', param: null, code: 'overloaded_error' } } });
  });

  it.each([
    ['ends before message_stop', [messageStart(), event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }), event('message_delta', { delta: { stop_reason: 'end_turn' } })]],
    ['is empty', []],
    ['sends data that is not JSON', [messageStart(), { event: 'content_block_delta', data: '{"type": "content_block_delta", "ind' }]],
    ['sends a malformed known event', [messageStart(), event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 5 } })]],
    ['starts without message_start', [event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })]],
    ['sends tool input for a block that is no tool', [messageStart(), event('content_block_delta', { index: 3, delta: { type: 'input_json_delta', partial_json: '{}' } })]],
    ['sends message_start twice', [messageStart(), messageStart()]],
  ])('throws a bad_response UpstreamError when the stream %s', async (_label, events) => {
    const error = await failure(events);
    expect(isUpstreamError(error)).toBe(true);
    expect(error).toMatchObject({ failure: 'bad_response' });
  });
});
