import { describe, expect, it } from 'vitest';
import type { ModelRoute } from '@keel/spec';
import { planAttempts } from './plan-attempts.ts';

const route: ModelRoute = {
  name: 'smart',
  kind: 'chat',
  targets: [
    { provider: 'a', model: 'm1', weight: 3 },
    { provider: 'b', model: 'm2', weight: 1 },
    { provider: 'c', model: 'm3', weight: 0 },
  ],
  fallbacks: [{ provider: 'd', model: 'm4', weight: 1 }],
};

describe('planAttempts', () => {
  it('picks the first target in proportion to its weight, keeps weight-0 targets for last, then the fallbacks in order', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const firsts = new Map<string, number>();
    for (let index = 0; index < 4000; index += 1) {
      const plan = planAttempts(route, random);
      expect(plan.map((target) => target.provider).slice(2)).toEqual(['c', 'd']);
      expect(new Set(plan.map((target) => target.provider)).size).toBe(4);
      const first = plan[0]?.provider ?? '';
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    expect(firsts.get('c')).toBeUndefined();
    const share = (firsts.get('a') ?? 0) / 4000;
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.8);
  });

  it('takes the edges of the random range', () => {
    expect(planAttempts(route, () => 0)[0]?.provider).toBe('a');
    expect(planAttempts(route, () => 0.999999999)[0]?.provider).toBe('b');
  });
});
