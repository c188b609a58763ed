import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KeelTracing, createKeelTracing } from './create-keel-tracing.ts';
import { observeChatStream } from './observe-chat-stream.ts';
import { type OtlpCaptureServer, startOtlpCaptureServer } from './start-otlp-capture-server.ts';

let keel: OtlpCaptureServer;
let tracing: KeelTracing;
beforeAll(async () => {
  keel = await startOtlpCaptureServer();
  tracing = createKeelTracing({ url: keel.url, apiKey: 'k' });
});
afterAll(async () => {
  await tracing.shutdown();
  await keel.close();
});

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({ id: 'c1', model: 'm-1', choices: [{ index: 0, delta, finish_reason: finishReason }] });

describe('observeChatStream', () => {
  it('ends the span with the error when the stream fails midway, and the error reaches the reader', async () => {
    const failure = new Error('connection reset');
    const stream = {
      async *[Symbol.asyncIterator]() {
        yield chunk({ role: 'assistant', content: 'partial ' });
        throw failure;
      },
    };
    const span = tracing.startSpan('chat broken');
    const observed = observeChatStream(stream, span, { startedAt: performance.now(), hideUsageChunk: false, maxChars: 1000 });
    const seen: unknown[] = [];
    await expect((async () => {
      for await (const item of observed) seen.push(item);
    })()).rejects.toBe(failure);
    expect(seen).toHaveLength(1);
    await tracing.flush();
    const recorded = keel.spans().find((item) => item.name === 'chat broken');
    expect(recorded?.status).toEqual({ code: 2, message: 'connection reset' });
    expect(JSON.parse(String(recorded?.attributes['gen_ai.output.messages']))).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'partial ' }] }]);
  });

  it('reassembles streamed tool calls', async () => {
    const stream = {
      async *[Symbol.asyncIterator]() {
        yield chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'lookup', arguments: '{"q":' } }] });
        yield chunk({ tool_calls: [{ index: 0, function: { arguments: '"keel"}' } }] });
        yield chunk({}, 'tool_calls');
      },
    };
    const span = tracing.startSpan('chat tools');
    for await (const _ of observeChatStream(stream, span, { startedAt: performance.now(), hideUsageChunk: false, maxChars: 1000 })) {
      // read to the end
    }
    await tracing.flush();
    const recorded = keel.spans().find((item) => item.name === 'chat tools');
    expect(recorded?.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
    expect(JSON.parse(String(recorded?.attributes['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_9', name: 'lookup', arguments: { q: 'keel' } }], finish_reason: 'tool_calls' },
    ]);
  });
});
