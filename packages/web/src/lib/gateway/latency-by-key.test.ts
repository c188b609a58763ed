import { describe, expect, it } from 'vitest';
import { latencyByKey } from './latency-by-key.ts';

const row = (group: string, count: number, p50: number, p95: number) => ({
  group, count, traceCount: count, inputTokens: 0, outputTokens: 0, cost: 0, latencyP50Ms: p50, latencyP95Ms: p95, latencyP99Ms: p95,
});

describe('latencyByKey', () => {
  it('keys the percentiles by key name, with calls without a virtual key under the usage rows\' empty name', () => {
    const byKey = latencyByKey({ groupBy: 'gateway_key', rows: [row('(none)', 2, 5, 9), row('team-a', 3, 120, 480.5)] });
    expect([...byKey.entries()]).toEqual([
      ['', { count: 2, latencyP50Ms: 5, latencyP95Ms: 9 }],
      ['team-a', { count: 3, latencyP50Ms: 120, latencyP95Ms: 480.5 }],
    ]);
    expect(byKey.get('team-b')).toBeUndefined();
  });

  it('is empty when the window has no gateway spans', () => {
    expect(latencyByKey({ groupBy: 'gateway_key', rows: [] }).size).toBe(0);
  });
});
