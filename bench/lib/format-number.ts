/** Formatting for tables: thousands separators, fixed decimals, never "NaN" surprises. */
export function formatNumber(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

export const formatMs = (value: number): string => `${formatNumber(value, value < 10 ? 2 : 1)} ms`;
export const formatMb = (value: number): string => `${formatNumber(value, 1)} MB`;
export const formatPercent = (value: number): string => `${formatNumber(value, 1)} %`;
