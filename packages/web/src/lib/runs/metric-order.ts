/** The order the run page draws its metrics in (and asks for their histories in): by key. */
export const byMetricKey = (a: string, b: string): number => a.localeCompare(b);
