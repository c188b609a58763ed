import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OtlpSpan } from '@keel/spec';
import { type AccountedCall, createGatewayAccounting, emptyOutcome } from './create-gateway-accounting.ts';
import { createGatewaySpanSink } from './create-gateway-span-sink.ts';
import type { UsageSink } from './gateway-ports.ts';

function callOf(requestId: string, projectId = 1): AccountedCall {
  return {
    caller: { projectId, keyName: 'app' },
    request: { model: 'smart', messages: [{ role: 'user', content: 'hi' }] },
    operation: 'chat',
    context: { signal: new AbortController().signal, requestId, noStore: false },
    startMs: 1_000,
    reservation: null,
    outcome: { ...emptyOutcome('off'), target: { provider: 'openai', model: 'gpt-4o-mini', weight: 1 }, responseModel: 'gpt-4o-mini', usage: { inputTokens: 3, outputTokens: 5, cachedInputTokens: 0, estimated: false }, firstTokenMs: 1_010 },
    providerType: 'openai',
    recordBodies: false,
  };
}

function setUp(options: { failFor?: string } = {}) {
  const recorded: Parameters<UsageSink['record']>[0][] = [];
  const settled: number[] = [];
  const written: OtlpSpan[] = [];
  const warnings: string[] = [];
  const spans = createGatewaySpanSink({ ingest: async (_projectId, batch) => void written.push(...batch), flushIntervalMs: 60_000, maxBatch: 1_000, maxPending: 1_000, onError: () => undefined });
  const accounting = createGatewayAccounting({
    costFor: async () => (model) => (model === options.failFor ? null : 0.25),
    limits: { settle: (_reservation, actual) => void settled.push(actual.costMicros) },
    usage: {
      record: (delta) => {
        if (delta.model === options.failFor) throw new Error('usage store refused');
        recorded.push(delta);
      },
    },
    spans,
    clock: { now: () => 2_000 },
    version: '0.1.0',
    warn: (message) => void warnings.push(message),
    accountDelayMs: 50,
  });
  return { accounting, recorded, settled, written, warnings };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createGatewayAccounting', () => {
  it('accounts for finished calls after a delay, together under one timer, not on the answer path', async () => {
    vi.useFakeTimers();
    const { accounting, recorded, settled } = setUp();
    accounting.accountLater(callOf('r1'));
    accounting.accountLater(callOf('r2'));
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(recorded).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(50);
    expect(recorded.map((delta) => delta.requests)).toEqual([1, 1]);
    expect(settled).toEqual([250_000, 250_000]);
    expect(recorded[0]).toMatchObject({ projectId: 1, keyName: 'app', model: 'smart', inputTokens: 3, outputTokens: 5, costMicros: 250_000, atMs: 2_000 });
  });

  it('flush accounts for the calls still waiting and writes their spans at once', async () => {
    const { accounting, recorded, written } = setUp();
    accounting.accountLater(callOf('r1'));
    accounting.accountLater(callOf('r2', 2));
    await accounting.flush();
    expect(recorded).toHaveLength(2);
    expect(written.map((span) => JSON.stringify(span).includes('r1') || JSON.stringify(span).includes('r2'))).toEqual([true, true]);
    await accounting.flush();
    expect(recorded).toHaveLength(2);
  });

  it('gives a call without a traceparent a new trace id that begins with its start time, and keeps a caller\'s trace', async () => {
    const { accounting, written } = setUp();
    accounting.accountLater(callOf('r1'));
    accounting.accountLater(callOf('r2'));
    const parentTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    accounting.accountLater({ ...callOf('r3'), context: { ...callOf('r3').context, traceparent: `00-${parentTrace}-00f067aa0ba902b7-01` } });
    await accounting.flush();
    const [first, second, third] = written.map((span) => span.traceId);
    expect(first).toMatch(/^0000000003e8[0-9a-f]{20}$/);
    expect(second).toMatch(/^0000000003e8[0-9a-f]{20}$/);
    expect(second).not.toBe(first);
    expect(third).toBe(parentTrace);
  });

  it('a call that cannot be accounted for is warned about, and the others of its batch still are', async () => {
    const { accounting, recorded, warnings } = setUp({ failFor: 'broken' });
    accounting.accountLater(callOf('r1'));
    accounting.accountLater({ ...callOf('r2'), request: { model: 'broken', messages: [{ role: 'user', content: 'hi' }] } });
    accounting.accountLater(callOf('r3'));
    await accounting.flush();
    expect(recorded.map((delta) => delta.model)).toEqual(['smart', 'smart']);
    expect(warnings).toEqual(['could not account for a gateway call']);
  });
});
