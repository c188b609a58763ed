/** The time windows the prompt usage table offers, by the name kept in the URL. */
export const usageWindows = [
  { id: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { id: '90d', label: 'Last 90 days', ms: 90 * 86_400_000 },
] as const;

export type UsageWindowId = (typeof usageWindows)[number]['id'];

export function usageWindow(id: string | null): (typeof usageWindows)[number] {
  return usageWindows.find((window) => window.id === id) ?? usageWindows[2];
}
