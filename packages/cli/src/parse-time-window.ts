import { KeelError } from '@keel/spec';

const unitMs: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `24h`, `7d` in milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (match === null) throw new KeelError('INVALID_PARAMETER_VALUE', `'${text}' is not a duration: use a number and s, m, h or d (e.g. 24h)`);
  return Number(match[1]) * (unitMs[match[2] ?? 's'] ?? 1000);
}

function parseTime(text: string, flag: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(value)) throw new KeelError('INVALID_PARAMETER_VALUE', `${flag} '${text}' is not a time: give an ISO 8601 date-time or milliseconds since the epoch`);
  return value;
}

/** The window of a listing: --from/--to when given, else the last --since (default 24h) before now. */
export function parseTimeWindow(options: { since?: string; from?: string; to?: string }, now: number): { from: number; to: number } {
  const to = options.to === undefined ? now + 1 : parseTime(options.to, '--to');
  const from = options.from === undefined ? to - parseDuration(options.since ?? '24h') : parseTime(options.from, '--from');
  if (to <= from) throw new KeelError('INVALID_PARAMETER_VALUE', '--to must be after --from');
  return { from, to };
}
