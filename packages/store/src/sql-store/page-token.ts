import { KeelError } from '@keel/spec';

/** Opaque page tokens: base64url JSON. A token that does not decode is the caller's error. */
export function encodePageToken(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeOffsetToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  const decoded = decodePageToken(token);
  const offset = decoded.offset;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw badToken();
  return offset;
}

export function decodePageToken(token: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badToken();
    return value as Record<string, unknown>;
  } catch {
    throw badToken();
  }
}

function badToken(): KeelError {
  return new KeelError('INVALID_PARAMETER_VALUE', 'Invalid page_token');
}

/** Offset pagination over a query that fetched `limit + 1` rows. */
export function offsetPage<T>(rows: T[], offset: number, limit: number): { items: T[]; nextPageToken: string | undefined } {
  if (rows.length > limit) return { items: rows.slice(0, limit), nextPageToken: encodePageToken({ offset: offset + limit }) };
  return { items: rows, nextPageToken: undefined };
}
