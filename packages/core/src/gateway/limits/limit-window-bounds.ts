import type { LimitWindow } from '@keel/spec';

const minuteMs = 60_000;
const dayMs = 86_400_000;

/** Start (epoch ms, inclusive) of the UTC minute, day or calendar month that holds `epochMs`. */
export function windowStart(window: LimitWindow, epochMs: number): number {
  switch (window) {
    case 'minute':
      return Math.floor(epochMs / minuteMs) * minuteMs;
    case 'day':
      return Math.floor(epochMs / dayMs) * dayMs;
    case 'month': {
      const date = new Date(epochMs);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    }
  }
}

/** End (epoch ms, exclusive) of the window that holds `epochMs`: the start of the next one. */
export function windowEnd(window: LimitWindow, epochMs: number): number {
  switch (window) {
    case 'minute':
      return windowStart('minute', epochMs) + minuteMs;
    case 'day':
      return windowStart('day', epochMs) + dayMs;
    case 'month': {
      const date = new Date(epochMs);
      // Date.UTC rolls month 12 over into January of the next year.
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    }
  }
}
