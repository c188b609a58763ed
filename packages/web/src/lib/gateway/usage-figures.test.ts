import { describe, expect, it } from 'vitest';
import { errorRate, perDay, topValues, type UsageRow } from './usage-figures.ts';
import { daysBetween, lastDays, monthStart } from './utc-days.ts';

const figures = { requests: 0, errors: 0, cache_hits: 0, input_tokens: 0, output_tokens: 0, estimated_requests: 0, cost_usd: 0 };
const row = (extra: Partial<UsageRow>): UsageRow => ({ ...figures, ...extra });

describe('gateway usage figures', () => {
  it('fills a value per day, zero where a day has no row, summing the rows of one day', () => {
    const rows = [row({ day: '2026-01-02', key: 'a', requests: 3 }), row({ day: '2026-01-02', key: 'b', requests: 1 }), row({ day: '2026-01-04', key: 'a', requests: 2 })];
    const days = daysBetween('2026-01-01', '2026-01-04');
    expect(days).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']);
    expect(perDay(rows, days, (item) => item.requests)).toEqual([0, 4, 0, 2]);
    expect(perDay(rows, days, (item) => item.requests, (item) => item.key === 'a')).toEqual([0, 3, 0, 2]);
  });

  it('ranks keys by requests and computes error rates', () => {
    const rows = [row({ key: 'a', requests: 1 }), row({ key: 'b', requests: 5 }), row({ key: 'a', requests: 1 }), row({ key: 'c', requests: 3 })];
    expect(topValues(rows, 'key', 2)).toEqual(['b', 'c']);
    expect(errorRate({ requests: 4, errors: 1 })).toBe(0.25);
    expect(errorRate({ requests: 0, errors: 0 })).toBeNull();
  });

  it('counts UTC days', () => {
    const now = Date.UTC(2026, 2, 1, 23, 30);
    expect(lastDays(3, now)).toEqual({ from: '2026-02-27', to: '2026-03-01' });
    expect(monthStart(now)).toBe('2026-03-01');
  });
});
