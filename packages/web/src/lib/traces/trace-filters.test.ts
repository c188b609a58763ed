import { describe, expect, it } from 'vitest';
import { readTraceFilters, traceFilterQuery, writeTraceFilters } from './trace-filters.ts';
import { readTraceWindow, resolveTraceWindow } from './trace-window.ts';

describe('trace filters in the URL', () => {
  it('round-trips through URL parameters, keeping the others and dropping blanks', () => {
    const params = new URLSearchParams('window=7d&userId=old&span=x');
    const filters = { ...readTraceFilters(params), userId: ' alice ', tag: 'prod', errorsOnly: true, minCost: '0.5' };
    const next = writeTraceFilters(params, filters);
    expect(next.toString()).toBe('window=7d&userId=alice&span=x&tag=prod&minCost=0.5&status=error');
    expect(readTraceFilters(next)).toMatchObject({ userId: 'alice', tag: 'prod', errorsOnly: true, minCost: '0.5', name: '' });
  });

  it('maps to the API options, leaving out blanks and numbers that are not numbers', () => {
    const filters = readTraceFilters(new URLSearchParams('name=turn&model=gpt-4o&status=error&minLatencyMs=abc&minCost=2'));
    expect(traceFilterQuery(filters)).toEqual({ name: 'turn', model: 'gpt-4o', status: 'error', minCost: 2 });
  });
});

describe('trace window', () => {
  const now = Date.UTC(2026, 0, 10, 12);
  it('reads the last hour, day, week or month, relative to now', () => {
    expect(resolveTraceWindow(readTraceWindow(new URLSearchParams('window=1h')), now)).toEqual({ from: now - 3_600_000, to: now + 60_000 });
    expect(resolveTraceWindow(readTraceWindow(new URLSearchParams('window=bogus')), now)).toEqual({ from: now - 86_400_000, to: now + 60_000 });
  });

  it('reads custom bounds, falling back to a day before the end when the start is missing or after it', () => {
    const custom = readTraceWindow(new URLSearchParams('window=custom&from=2026-01-01T00:00&to=2026-01-02T00:00'));
    expect(resolveTraceWindow(custom, now)).toEqual({ from: new Date(2026, 0, 1).getTime(), to: new Date(2026, 0, 2).getTime() });
    const reversed = readTraceWindow(new URLSearchParams('window=custom&from=2026-01-03T00:00&to=2026-01-02T00:00'));
    expect(resolveTraceWindow(reversed, now)).toEqual({ from: new Date(2026, 0, 2).getTime() - 86_400_000, to: new Date(2026, 0, 2).getTime() });
  });
});
