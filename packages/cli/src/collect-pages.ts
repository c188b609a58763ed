import type { Page } from '@keel/spec';

/** Follows page tokens until `limit` items (all when undefined) or the last page. */
export async function collectPages<T>(fetchPage: (pageToken: string | undefined, pageSize: number) => Promise<Page<T>>, limit?: number): Promise<T[]> {
  const items: T[] = [];
  let pageToken: string | undefined;
  do {
    const wanted = limit === undefined ? 1000 : Math.min(1000, limit - items.length);
    const page = await fetchPage(pageToken, wanted);
    items.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined && pageToken !== '' && (limit === undefined || items.length < limit));
  return limit === undefined ? items : items.slice(0, limit);
}
