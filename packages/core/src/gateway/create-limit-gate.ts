import { KeelError, type LimitStore } from '@keel/spec';
import { planLimitCounters, type ScopedPolicy, settleAdjustments, type UsageEstimate } from './plan-limit-counters.ts';

/** Counters a call reserved, to settle after it. */
export interface Reservation {
  reserved: { key: string; window: 'minute' | 'day' | 'month'; windowStartMs: number; amount: number }[];
}

export interface LimitGate {
  /**
   * Reserves the estimate on every counter the policies name, all or nothing. Over a limit it
   * throws REQUEST_LIMIT_EXCEEDED (with Retry-After); with the store unreachable it throws
   * TEMPORARILY_UNAVAILABLE when a policy fails closed, else admits the call (null).
   */
  reserve(policies: readonly ScopedPolicy[], estimate: UsageEstimate): Promise<Reservation | null>;
  /** Trues the reservation up to actual usage, off the response path. */
  settle(reservation: Reservation | null, actual: UsageEstimate): void;
}

function describeRefusal(result: { key: string; limit: number; used: number; window: string }): { message: string; budget: boolean } {
  const scope = result.key.includes(':k:') ? `key '${result.key.split(':k:')[1]?.replace(/:[a-z]+$/, '') ?? ''}'` : 'project';
  const what = result.key.endsWith(':req') ? `${result.limit} requests per minute` : result.key.endsWith(':tok') ? `${result.limit} tokens per minute` : `a budget of $${(result.limit / 1e6).toFixed(2)} per ${result.window}`;
  const budget = result.key.endsWith(':usd');
  return { message: `${budget ? 'Budget' : 'Rate limit'} reached for the ${scope}: ${what} (used ${budget ? `$${(result.used / 1e6).toFixed(4)}` : result.used})`, budget };
}

/** Rate limits and budgets in front of the gateway's calls: reserve before, settle after. */
export function createLimitGate(limits: LimitStore, warn: (message: string, error: unknown) => void): LimitGate {
  return {
    async reserve(policies, estimate) {
      const counters = planLimitCounters(policies, estimate);
      if (counters.length === 0) return null;
      let result;
      try {
        result = await limits.reserve(counters);
      } catch (error) {
        if (policies.some(({ policy }) => policy.on_store_error === 'closed')) {
          throw new KeelError('TEMPORARILY_UNAVAILABLE', 'The limit counters cannot be reached, and this key\'s policy refuses calls until they can', { details: { retry_after_seconds: 1 }, cause: error });
        }
        warn('limit store unreachable; admitting the call (policy on_store_error: open)', error);
        return null;
      }
      if (!result.ok) {
        const { message, budget } = describeRefusal(result);
        throw new KeelError('REQUEST_LIMIT_EXCEEDED', message, { details: { retry_after_seconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)), openai_code: budget ? 'insufficient_quota' : 'rate_limit_exceeded' } });
      }
      return { reserved: result.reserved };
    },
    settle(reservation, actual) {
      if (reservation === null) return;
      const adjustments = settleAdjustments(reservation.reserved, actual);
      if (adjustments.length === 0) return;
      limits.settle(adjustments).catch((error: unknown) => warn('could not settle limit counters', error));
    },
  };
}
