const dayMs = 86_400_000;

/** The UTC day of a time, `YYYY-MM-DD`, as the gateway's usage counts days. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Midnight UTC of a `YYYY-MM-DD` day, in milliseconds. */
export const dayStartMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** The first and last UTC day of the `days` days that end today. */
export function lastDays(days: number, now: number): { from: string; to: string } {
  return { from: utcDay(now - (days - 1) * dayMs), to: utcDay(now) };
}

/** The first UTC day of the month `now` falls in. */
export const monthStart = (now: number): string => `${utcDay(now).slice(0, 8)}01`;

/** Every UTC day from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const result: string[] = [];
  for (let ms = dayStartMs(from); ms <= dayStartMs(to); ms += dayMs) result.push(utcDay(ms));
  return result;
}
