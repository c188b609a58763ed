import { invalid } from '@keel/spec';

/** Milliseconds since the epoch, from digits or an ISO 8601 date or time (`2026-05-01`, `2026-05-01T12:00:00Z`). */
export function parseTimeBound(text: string, field: string): number {
  const trimmed = text.trim();
  if (/^\d{1,15}$/.test(trimmed)) return Number(trimmed);
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) {
    const ms = Date.parse(trimmed);
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  throw invalid(`Invalid ${field} '${trimmed.slice(0, 60)}': give milliseconds since the epoch or an ISO 8601 time`);
}
