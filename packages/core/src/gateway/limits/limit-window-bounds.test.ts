import { describe, expect, it } from 'vitest';
import { windowEnd, windowStart } from './index.ts';

describe('windowStart and windowEnd (UTC)', () => {
  it('bound the minute and the day', () => {
    const instant = Date.UTC(2024, 6, 4, 13, 45, 12, 345);
    expect(windowStart('minute', instant)).toBe(Date.UTC(2024, 6, 4, 13, 45));
    expect(windowEnd('minute', instant)).toBe(Date.UTC(2024, 6, 4, 13, 46));
    expect(windowStart('day', instant)).toBe(Date.UTC(2024, 6, 4));
    expect(windowEnd('day', instant)).toBe(Date.UTC(2024, 6, 5));
  });

  it('treat the start as inside the window and the end as outside', () => {
    const midnight = Date.UTC(2024, 0, 1);
    for (const window of ['minute', 'day', 'month'] as const) {
      expect(windowStart(window, midnight)).toBe(midnight);
      expect(windowStart(window, midnight - 1)).toBeLessThan(midnight);
      expect(windowEnd(window, midnight - 1)).toBe(midnight);
    }
  });

  it('bound calendar months of 28, 29, 30 and 31 days and the year end', () => {
    expect([windowStart('month', Date.UTC(2023, 1, 28, 23)), windowEnd('month', Date.UTC(2023, 1, 28, 23))]).toEqual([Date.UTC(2023, 1, 1), Date.UTC(2023, 2, 1)]);
    expect(windowEnd('month', Date.UTC(2024, 1, 29, 12)) - windowStart('month', Date.UTC(2024, 1, 29, 12))).toBe(29 * 86_400_000);
    expect(windowEnd('month', Date.UTC(2100, 1, 10)) - windowStart('month', Date.UTC(2100, 1, 10))).toBe(28 * 86_400_000);
    expect(windowEnd('month', Date.UTC(2000, 1, 10)) - windowStart('month', Date.UTC(2000, 1, 10))).toBe(29 * 86_400_000);
    expect(windowEnd('month', Date.UTC(2025, 3, 30)) - windowStart('month', Date.UTC(2025, 3, 30))).toBe(30 * 86_400_000);
    expect([windowStart('month', Date.UTC(2025, 11, 31, 23, 59, 59, 999)), windowEnd('month', Date.UTC(2025, 11, 31, 23, 59, 59, 999))]).toEqual([Date.UTC(2025, 11, 1), Date.UTC(2026, 0, 1)]);
  });

  it('ignore the local time zone of the process', () => {
    // Just after midnight UTC on the 1st is still the previous day in every zone west of Greenwich.
    const instant = Date.UTC(2025, 4, 1, 0, 30);
    expect(windowStart('month', instant)).toBe(Date.UTC(2025, 4, 1));
    expect(windowStart('day', instant)).toBe(Date.UTC(2025, 4, 1));
  });
});
