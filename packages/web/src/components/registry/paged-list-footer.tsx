import { useEffect, useRef, useState } from 'react';
import { formatNumber } from '../../lib/format.ts';
import './paged-list-footer.css';

interface PagedListFooterProps {
  /** Items shown so far. */
  count: number;
  /** What is counted, singular and plural. */
  noun: readonly [string, string];
  hasMore: boolean;
  loading: boolean;
  /** The last page failed (the items already shown stay). */
  error: Error | undefined;
  onMore: () => void;
}

/**
 * Under a list read page by page: how many items are shown and a "Load more" button. The next page
 * also loads by itself when this footer scrolls near the window's bottom edge (and again after each
 * page while it stays there), so scrolling reaches every item.
 */
export function PagedListFooter({ count, noun, hasMore, loading, error, onMore }: PagedListFooterProps) {
  const footer = useRef<HTMLDivElement>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    const element = footer.current;
    if (element === null || typeof IntersectionObserver === 'undefined') return undefined;
    const observer = new IntersectionObserver((entries) => setNear(entries.some((entry) => entry.isIntersecting)), { rootMargin: '0px 0px 300px 0px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    if (near && hasMore && !loading && error === undefined) onMore();
  }, [near, hasMore, loading, error, count, onMore]);

  return (
    <div className="paged-list-footer" ref={footer}>
      <span role="status" aria-live="polite">
        {formatNumber(count)} {count === 1 ? noun[0] : noun[1]} shown{hasMore ? (loading ? ', loading more…' : '; scroll or load more') : ''}.
      </span>
      {hasMore && error === undefined && (
        <button type="button" onClick={onMore} disabled={loading}>Load more</button>
      )}
      {error !== undefined && (
        <span className="state-error" role="alert">
          Could not load more: {error.message} <button type="button" onClick={onMore}>Try again</button>
        </span>
      )}
    </div>
  );
}
