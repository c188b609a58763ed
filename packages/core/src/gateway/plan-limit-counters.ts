import type { LimitCounter, LimitPolicy } from '@keel/spec';

/** What a request is expected to use, reserved before the call. */
export interface UsageEstimate {
  tokens: number;
  costMicros: number;
}

/** One scope's policy: the virtual key's, or the project's. */
export interface ScopedPolicy {
  /** Prefix of the scope's counters, e.g. `p3:k:app` or `p3`. */
  scope: string;
  policy: LimitPolicy;
}

/** The counters a request draws on under the policies that apply to it; empty when none limits. */
export function planLimitCounters(policies: readonly ScopedPolicy[], estimate: UsageEstimate): LimitCounter[] {
  const counters: LimitCounter[] = [];
  for (const { scope, policy } of policies) {
    if (policy.rpm !== undefined) counters.push({ key: `${scope}:req`, window: 'minute', limit: policy.rpm, amount: 1 });
    if (policy.tpm !== undefined) counters.push({ key: `${scope}:tok`, window: 'minute', limit: policy.tpm, amount: estimate.tokens });
    if (policy.budget_usd_day !== undefined) counters.push({ key: `${scope}:usd`, window: 'day', limit: Math.round(policy.budget_usd_day * 1e6), amount: estimate.costMicros });
    if (policy.budget_usd_month !== undefined) counters.push({ key: `${scope}:usd`, window: 'month', limit: Math.round(policy.budget_usd_month * 1e6), amount: estimate.costMicros });
  }
  return counters;
}

/** Whether any policy needs a token or cost estimate (counting tokens costs time; skip it when not). */
export function needsUsageEstimate(policies: readonly ScopedPolicy[]): boolean {
  return policies.some(({ policy }) => policy.tpm !== undefined || policy.budget_usd_day !== undefined || policy.budget_usd_month !== undefined);
}

/** The adjustments that turn a reservation into actual usage: requests stay, tokens and cost are trued up. */
export function settleAdjustments(reserved: readonly { key: string; window: LimitCounter['window']; windowStartMs: number; amount: number }[], actual: UsageEstimate) {
  return reserved
    .filter((counter) => !counter.key.endsWith(':req'))
    .map((counter) => ({ key: counter.key, window: counter.window, windowStartMs: counter.windowStartMs, delta: (counter.key.endsWith(':tok') ? actual.tokens : actual.costMicros) - counter.amount }))
    .filter((adjustment) => adjustment.delta !== 0);
}
