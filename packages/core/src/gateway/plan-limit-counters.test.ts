import { describe, expect, it } from 'vitest';
import { limitPolicySchema } from '@keel/spec';
import { needsUsageEstimate, planLimitCounters, settleAdjustments } from './plan-limit-counters.ts';

describe('planLimitCounters', () => {
  const key = { scope: 'p1:k:app', policy: limitPolicySchema.parse({ rpm: 10, tpm: 1000, budget_usd_day: 1.5 }) };
  const project = { scope: 'p1', policy: limitPolicySchema.parse({ budget_usd_month: 20 }) };

  it('draws on each limit of each scope', () => {
    expect(planLimitCounters([key, project], { tokens: 120, costMicros: 300 })).toEqual([
      { key: 'p1:k:app:req', window: 'minute', limit: 10, amount: 1 },
      { key: 'p1:k:app:tok', window: 'minute', limit: 1000, amount: 120 },
      { key: 'p1:k:app:usd', window: 'day', limit: 1_500_000, amount: 300 },
      { key: 'p1:usd', window: 'month', limit: 20_000_000, amount: 300 },
    ]);
    expect(needsUsageEstimate([key])).toBe(true);
    expect(needsUsageEstimate([{ scope: 'p1', policy: limitPolicySchema.parse({ rpm: 5 }) }])).toBe(false);
  });

  it('settles tokens and cost to the actual usage and leaves the request count', () => {
    const reserved = planLimitCounters([key], { tokens: 120, costMicros: 300 }).map((counter) => ({ ...counter, windowStartMs: 60_000 }));
    expect(settleAdjustments(reserved, { tokens: 100, costMicros: 350 })).toEqual([
      { key: 'p1:k:app:tok', window: 'minute', windowStartMs: 60_000, delta: -20 },
      { key: 'p1:k:app:usd', window: 'day', windowStartMs: 60_000, delta: 50 },
    ]);
  });
});
