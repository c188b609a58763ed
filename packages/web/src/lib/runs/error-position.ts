import { isKeelApiError } from '@keel/sdk/client';

/** The 0-based position in the filter a search error names (in its details, or "at position N" in its message). */
export function errorPosition(error: Error): number | undefined {
  if (isKeelApiError(error)) {
    // An order_by clause's error counts within that clause, not within the filter.
    if (error.details?.clauseIndex !== undefined) return undefined;
    const position = error.details?.position;
    if (typeof position === 'number' && Number.isInteger(position) && position >= 0) return position;
  }
  if (/order_by/.test(error.message)) return undefined;
  const match = /at position (\d+)/.exec(error.message);
  return match === null ? undefined : Number(match[1]);
}

/** Whether the error is the server refusing the filter or order (400), not a failure to reach it. */
export function isInvalidSearch(error: Error): boolean {
  return isKeelApiError(error) ? error.status === 400 : false;
}
