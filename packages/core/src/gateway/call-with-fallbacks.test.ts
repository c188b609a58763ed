import { describe, expect, it } from 'vitest';
import type { RouteTarget } from '@keel/spec';
import { backoffDelay, callWithFallbacks, isGatewayCallError } from './call-with-fallbacks.ts';
import { createCircuitBreakers } from './create-circuit-breakers.ts';
import { UpstreamError } from './providers/upstream-error.ts';

const targets: RouteTarget[] = [
  { provider: 'a', model: 'm', weight: 1 },
  { provider: 'b', model: 'm', weight: 1 },
];

function setup(outcomes: Record<string, (UpstreamError | string)[]>, options: { attempts?: number; failures?: number } = {}) {
  const calls: string[] = [];
  const sleeps: number[] = [];
  const breakers = createCircuitBreakers(() => 0);
  const run = () =>
    callWithFallbacks({
      targets,
      retry: { attempts: options.attempts ?? 1, base_delay_ms: 100, max_delay_ms: 1000 },
      breaker: { failures: options.failures ?? 5, cooldown_ms: 1000 },
      breakers,
      breakerKey: (target) => `${target.provider}/${target.model}`,
      call: async (target) => {
        calls.push(target.provider);
        const next = outcomes[target.provider]?.shift() ?? 'ok';
        if (typeof next !== 'string') throw next;
        return `${target.provider}:${next}`;
      },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      signal: new AbortController().signal,
    });
  return { calls, sleeps, breakers, run };
}

const status = (code: number, retryAfterMs: number | null = null) => new UpstreamError({ failure: 'status', status: code, message: `HTTP ${code}`, retryAfterMs });

describe('callWithFallbacks', () => {
  it('retries a 5xx on the same target with backoff, then succeeds', async () => {
    const { calls, sleeps, run } = setup({ a: [status(500)] });
    const answer = await run();
    expect(answer.result).toBe('a:ok');
    expect(calls).toEqual(['a', 'a']);
    expect(sleeps).toEqual([50]);
    expect(answer.path.map((step) => step.outcome)).toEqual(['failed', 'ok']);
  });

  it('falls back to the next target when retries are used up, and honours Retry-After', async () => {
    const { calls, sleeps, run } = setup({ a: [status(429, 700), status(503)] });
    const answer = await run();
    expect(answer.target.provider).toBe('b');
    expect(calls).toEqual(['a', 'a', 'b']);
    expect(sleeps).toEqual([700]);
  });

  it('moves on at once when Retry-After is longer than the largest backoff', async () => {
    const { calls, sleeps, run } = setup({ a: [status(429, 60_000)] });
    await run();
    expect(calls).toEqual(['a', 'b']);
    expect(sleeps).toEqual([]);
  });

  it('passes a 400 back without trying other targets', async () => {
    const { calls, run } = setup({ a: [status(400)] });
    const error = await run().catch((caught: unknown) => caught);
    expect(isGatewayCallError(error) && error.last.status).toBe(400);
    expect(calls).toEqual(['a']);
  });

  it('fails with the last error and the whole path when every target fails', async () => {
    const timeout = new UpstreamError({ failure: 'timeout', message: 'slow' });
    const { run } = setup({ a: [status(500), status(500)], b: [timeout, new UpstreamError({ failure: 'connection', message: 'refused' })] });
    const error = await run().catch((caught: unknown) => caught);
    expect(isGatewayCallError(error)).toBe(true);
    if (!isGatewayCallError(error)) return;
    expect(error.last.failure).toBe('connection');
    expect(error.path.map((step) => `${step.provider}:${step.outcome}`)).toEqual(['a:failed', 'a:failed', 'b:failed', 'b:failed']);
  });

  it('skips a target whose circuit is open', async () => {
    const { calls, run } = setup({ a: [status(500), status(500)] }, { attempts: 1, failures: 2 });
    await run();
    expect(calls).toEqual(['a', 'a', 'b']);
    const second = await run();
    expect(calls).toEqual(['a', 'a', 'b', 'b']);
    expect(second.path[0]?.outcome).toBe('circuit_open');
  });

  it('backoff grows exponentially up to the cap', () => {
    const retry = { attempts: 5, base_delay_ms: 100, max_delay_ms: 1000 };
    expect([0, 1, 2, 3, 4].map((attempt) => backoffDelay(retry, attempt, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });
});
