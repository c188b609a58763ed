import { describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatCompletionChunk } from '@keel/spec';
import { assembleCompletionFromChunks, replayCompletionAsStream } from './replay-completion-as-stream.ts';

const usage = { prompt_tokens: 12, completion_tokens: 40, total_tokens: 52 };

function completion(choices: ChatCompletion['choices'], extra: Partial<ChatCompletion> = {}): ChatCompletion {
  return { id: 'chatcmpl-abc', object: 'chat.completion', created: 1_717_000_000, model: 'gpt-4o-mini-2024-07-18', choices, usage, ...extra };
}

function roundTrip(original: ChatCompletion): ChatCompletion {
  return assembleCompletionFromChunks(replayCompletionAsStream(original).map(({ chunk }) => chunk));
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('replayCompletionAsStream', () => {
  const text = completion([{ index: 0, message: { role: 'assistant', content: 'The capital of France is Paris. It lies on the Seine, in the north of the country.' }, finish_reason: 'stop' }], { system_fingerprint: 'fp_1' });

  it('sends a role chunk, the content in a few deltas, the finish reason, then usage with no choices', () => {
    const chunks = replayCompletionAsStream(text).map(({ chunk }) => chunk);
    expect(chunks[0]?.choices).toEqual([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    const contentDeltas = chunks.slice(1, -2);
    expect(contentDeltas.length).toBeGreaterThan(1);
    expect(contentDeltas.length).toBeLessThanOrEqual(4);
    expect(contentDeltas.map((chunk) => chunk.choices[0]?.delta.content).join('')).toBe(text.choices[0]?.message.content);
    expect(chunks.at(-2)?.choices).toEqual([{ index: 0, delta: {}, finish_reason: 'stop' }]);
    expect(chunks.at(-1)).toEqual({ id: 'chatcmpl-abc', object: 'chat.completion.chunk', created: 1_717_000_000, model: 'gpt-4o-mini-2024-07-18', system_fingerprint: 'fp_1', choices: [], usage });
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: 'chatcmpl-abc', object: 'chat.completion.chunk', created: 1_717_000_000, model: 'gpt-4o-mini-2024-07-18' });
    }
  });

  it('leaves the usage chunk out when asked to', () => {
    const chunks = replayCompletionAsStream(text, { includeUsage: false }).map(({ chunk }) => chunk);
    expect(chunks.every((chunk) => chunk.choices.length === 1 && chunk.usage === undefined)).toBe(true);
  });

  it('never cuts a surrogate pair', () => {
    const emoji = completion([{ index: 0, message: { role: 'assistant', content: '🙂'.repeat(37) + '世界'.repeat(11) }, finish_reason: 'stop' }]);
    const pieces = replayCompletionAsStream(emoji).flatMap(({ chunk }) => chunk.choices.map((choice) => choice.delta.content ?? ''));
    expect(pieces.filter((piece) => piece !== '').length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece).not.toMatch(loneSurrogate);
    expect(pieces.join('')).toBe(emoji.choices[0]?.message.content);
  });

  it('sends each tool call with its id and name first, then its arguments in pieces, by tool index', () => {
    const tools = completion([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ city: 'Paris', unit: 'celsius', days: [1, 2, 3] }) } },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        },
        finish_reason: 'tool_calls',
      },
    ]);
    const deltas = replayCompletionAsStream(tools).flatMap(({ chunk }) => chunk.choices.map((choice) => choice.delta));
    expect(deltas[0]).toEqual({ role: 'assistant', content: null });
    expect(deltas[1]).toEqual({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] });
    const firstArguments = deltas.filter((delta) => delta.tool_calls?.[0]?.index === 0 && delta.tool_calls[0].id === undefined);
    expect(firstArguments.length).toBeGreaterThan(1);
    expect(deltas).toContainEqual({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } }] });
  });
});

describe('assembleCompletionFromChunks', () => {
  it('round-trips a text completion', () => {
    const original = completion([{ index: 0, message: { role: 'assistant', content: 'Paris is the capital of France, and has been for a long time.' }, finish_reason: 'stop' }], { system_fingerprint: 'fp_44709d6fcb' });
    expect(roundTrip(original)).toEqual(original);
  });

  it('round-trips tool calls with no content, several choices, a refusal, empty content and logprobs', () => {
    const original = completion([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius","note":"a longer argument text to cut"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        finish_reason: 'tool_calls',
      },
      { index: 1, message: { role: 'assistant', content: '' }, finish_reason: 'length' },
      { index: 2, message: { role: 'assistant', content: null, refusal: "I can't help with that request, sorry." }, finish_reason: 'stop' },
      {
        index: 3,
        message: { role: 'assistant', content: 'Hi there' },
        finish_reason: 'stop',
        logprobs: { content: [{ token: 'Hi', logprob: -0.1, bytes: [72, 105], top_logprobs: [] }, { token: ' there', logprob: -0.2, bytes: null, top_logprobs: [] }], refusal: null },
      },
    ]);
    expect(roundTrip(original)).toEqual(original);
  });

  it('round-trips a completion without usage', () => {
    const original: ChatCompletion = { id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] };
    expect(roundTrip(original)).toEqual(original);
  });

  it('puts together a stream as OpenAI sends it: choices interleaved, names once, arguments in fragments, usage last', () => {
    const base = { id: 'chatcmpl-9', object: 'chat.completion.chunk' as const, created: 1_717_000_123, model: 'gpt-4o-2024-08-06', system_fingerprint: 'fp_9' };
    const chunk = (choices: ChatCompletionChunk['choices'], rest: Partial<ChatCompletionChunk> = {}): ChatCompletionChunk => ({ ...base, choices, ...rest });
    const stream: ChatCompletionChunk[] = [
      chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, finish_reason: null, logprobs: null }]),
      chunk([{ index: 1, delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'lookup', arguments: '' } }] }, finish_reason: null }]),
      chunk([{ index: 0, delta: { content: 'Hel' }, finish_reason: null }]),
      chunk([{ index: 1, delta: { tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }, finish_reason: null }]),
      chunk([{ index: 0, delta: { content: 'lo' }, finish_reason: null }]),
      chunk([{ index: 1, delta: { tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] }, finish_reason: null }]),
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
      chunk([{ index: 1, delta: {}, finish_reason: 'tool_calls' }]),
      chunk([], { usage }),
    ];
    expect(assembleCompletionFromChunks(stream)).toEqual({
      id: 'chatcmpl-9',
      object: 'chat.completion',
      created: 1_717_000_123,
      model: 'gpt-4o-2024-08-06',
      system_fingerprint: 'fp_9',
      usage,
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' },
        { index: 1, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] }, finish_reason: 'tool_calls' },
      ],
    });
  });

  it('leaves finish_reason null for a stream that stopped early, and refuses an empty stream', () => {
    const partial = assembleCompletionFromChunks([{ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hal' }, finish_reason: null }] }]);
    expect(partial.choices).toEqual([{ index: 0, message: { role: 'assistant', content: 'Hal' }, finish_reason: null }]);
    expect(partial.usage).toBeUndefined();
    expect(() => assembleCompletionFromChunks([])).toThrow();
  });
});
