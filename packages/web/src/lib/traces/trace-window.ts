/** The time windows the trace pages offer; `custom` reads `from` and `to` from the URL. */
export const windowChoices = [
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { value: 'custom', label: 'Custom…', ms: 0 },
] as const;

export type WindowChoice = (typeof windowChoices)[number]['value'];

export interface TraceWindow {
  choice: WindowChoice;
  /** Custom bounds as the URL holds them (`YYYY-MM-DDTHH:mm`, local time); empty when not custom. */
  fromText: string;
  toText: string;
}

export const defaultWindow: WindowChoice = '24h';

export function readTraceWindow(params: URLSearchParams): TraceWindow {
  const raw = params.get('window');
  const choice = windowChoices.find((item) => item.value === raw)?.value ?? defaultWindow;
  return { choice, fromText: params.get('from') ?? '', toText: params.get('to') ?? '' };
}

/**
 * Milliseconds since the epoch for a window, relative to `now`. A custom window with a missing or
 * unreadable bound falls back to the last 24 hours for that bound.
 */
export function resolveTraceWindow(window: TraceWindow, now: number): { from: number; to: number } {
  if (window.choice !== 'custom') {
    const span = windowChoices.find((item) => item.value === window.choice)?.ms ?? 86_400_000;
    // A minute of slack so spans that just arrived with a slightly fast clock are not cut off.
    return { from: now - span, to: now + 60_000 };
  }
  const from = Date.parse(window.fromText);
  const to = Date.parse(window.toText);
  const safeTo = Number.isFinite(to) ? to : now + 60_000;
  const safeFrom = Number.isFinite(from) && from < safeTo ? from : safeTo - 86_400_000;
  return { from: safeFrom, to: safeTo };
}

/** `YYYY-MM-DDTHH:mm` in local time, as an `<input type="datetime-local">` shows it. */
export function toLocalInputText(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
