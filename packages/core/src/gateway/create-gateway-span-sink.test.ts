import { describe, expect, it } from 'vitest';
import type { OtlpSpan } from '@keel/spec';
import { buildGatewaySpan, type GatewayCallRecord, parseTraceparent } from './build-gateway-span.ts';
import { createGatewaySpanSink } from './create-gateway-span-sink.ts';

function callOf(id: number): GatewayCallRecord {
  return {
    requestId: `r${id}`, operation: 'chat', traceId: 'a'.repeat(32), spanId: id.toString(16).padStart(16, '0'), parentSpanId: null, startMs: 1000, endMs: 1020,
    requestModel: 'smart', responseModel: 'gpt-4o-mini', providerType: 'openai', target: 'openai/gpt-4o-mini', keyName: 'app', inputTokens: 5, outputTokens: 7,
    cachedInputTokens: null, usageEstimated: false, costUsd: 0.001, timeToFirstTokenMs: 12, cache: 'miss', path: [{ provider: 'openai', model: 'gpt-4o-mini', outcome: 'ok', status: 200, error: null }],
    stream: true, finishReasons: ['stop'], error: null,
  };
}

function span(id: number): OtlpSpan {
  return buildGatewaySpan(callOf(id), '0.1.0');
}

describe('createGatewaySpanSink', () => {
  it('batches spans per project and writes them off the caller\'s path', async () => {
    const writes: { projectId: number; count: number }[] = [];
    const sink = createGatewaySpanSink({ ingest: async (projectId, spans) => void writes.push({ projectId, count: spans.length }), flushIntervalMs: 10_000, maxBatch: 3, maxPending: 100, onError: () => undefined });
    for (let index = 0; index < 4; index += 1) sink.add(1, span(index));
    sink.add(2, span(9));
    expect(writes).toEqual([{ projectId: 1, count: 3 }]);
    await sink.drain();
    expect(writes).toEqual([{ projectId: 1, count: 3 }, { projectId: 1, count: 1 }, { projectId: 2, count: 1 }]);
    expect(sink.stats()).toEqual({ pending: 0, written: 5, dropped: 0 });
  });

  it('drops and counts spans past the bound, and counts failed writes', async () => {
    const errors: number[] = [];
    const sink = createGatewaySpanSink({ ingest: async () => Promise.reject(new Error('queue full')), flushIntervalMs: 10_000, maxBatch: 100, maxPending: 2, onError: (_error, count) => void errors.push(count) });
    for (let index = 0; index < 3; index += 1) sink.add(1, span(index));
    await sink.drain();
    expect(errors).toEqual([2]);
    expect(sink.stats()).toEqual({ pending: 0, written: 0, dropped: 3 });
  });

  it('builds GenAI attributes, including cost, time to first chunk and the fallback path', () => {
    const built = span(1);
    expect(built.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.cost': 0.001, 'gen_ai.response.time_to_first_chunk': 0.012, 'keel.gateway.key': 'app' });
    expect(built.attributes['keel.gateway.fallback_path']).toBeUndefined();
    expect(built.endTimeUnixNano).toBe('1020000000');
    // A call with a project API key names no virtual key.
    expect(buildGatewaySpan({ ...callOf(1), keyName: null }, '0.1.0').attributes['keel.gateway.key']).toBeUndefined();
  });

  it('reads W3C traceparent headers', () => {
    expect(parseTraceparent(`00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`)).toEqual({ traceId: 'ab'.repeat(16), parentSpanId: 'cd'.repeat(8) });
    expect(parseTraceparent(`00-${'0'.repeat(32)}-${'cd'.repeat(8)}-01`)).toBeNull();
    expect(parseTraceparent('garbage')).toBeNull();
    expect(parseTraceparent(undefined)).toBeNull();
  });
});
