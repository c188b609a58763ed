import { KeelError } from '@keel/spec';
import { decodePageToken, encodePageToken } from './page-token.ts';

/**
 * Keyset page tokens for the trace queries: the (time, id) of the last item of a page. Unlike an
 * offset, a keyset neither skips nor repeats items when new traces arrive between pages.
 */
export interface Keyset {
  at: number;
  id: string;
}

export function encodeKeyset(keyset: Keyset): string {
  return encodePageToken({ at: keyset.at, id: keyset.id });
}

export function decodeKeyset(token: string | undefined): Keyset | undefined {
  if (token === undefined || token === '') return undefined;
  const value = decodePageToken(token);
  if (typeof value.at !== 'number' || !Number.isFinite(value.at) || typeof value.id !== 'string') {
    throw new KeelError('INVALID_PARAMETER_VALUE', 'Invalid page_token');
  }
  return { at: value.at, id: value.id };
}

/** A page from `limit + 1` rows: the extra row only says that there is a next page. */
export function keysetPage<T>(rows: readonly T[], limit: number, keyOf: (item: T) => Keyset): { items: T[]; nextPageToken: string | undefined } {
  if (rows.length <= limit) return { items: [...rows], nextPageToken: undefined };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextPageToken: last === undefined ? undefined : encodeKeyset(keyOf(last)) };
}
