export interface CircuitBreakerPolicy {
  failures: number;
  cooldown_ms: number;
}

export interface CircuitBreakers {
  /** False while the target rests after too many failures in a row. */
  allows(target: string, policy: CircuitBreakerPolicy): boolean;
  succeeded(target: string): void;
  failed(target: string, policy: CircuitBreakerPolicy): void;
  /** Targets resting now, for /metrics and tests. */
  open(): string[];
}

interface BreakerState {
  consecutiveFailures: number;
  openUntil: number;
  /** After the cool-down one request probes the target; others keep away until it answers. */
  probing: boolean;
}

/**
 * Per-target circuit breakers (closed -> open for a cool-down -> half-open with one probe). They
 * live in each gateway process: they protect the process's own calls, and sharing them would put
 * a network round trip on every request for no gain in safety.
 */
export function createCircuitBreakers(now: () => number): CircuitBreakers {
  const states = new Map<string, BreakerState>();
  return {
    allows(target, policy) {
      const state = states.get(target);
      if (state === undefined || state.consecutiveFailures < policy.failures) return true;
      if (now() < state.openUntil || state.probing) return false;
      state.probing = true;
      return true;
    },
    succeeded(target) {
      states.delete(target);
    },
    failed(target, policy) {
      const state = states.get(target) ?? { consecutiveFailures: 0, openUntil: 0, probing: false };
      state.consecutiveFailures += 1;
      state.probing = false;
      if (state.consecutiveFailures >= policy.failures) state.openUntil = now() + policy.cooldown_ms;
      states.set(target, state);
    },
    open() {
      const at = now();
      return [...states.entries()].filter(([, state]) => state.openUntil > at).map(([target]) => target);
    },
  };
}
