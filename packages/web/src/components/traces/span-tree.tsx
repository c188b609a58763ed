import type { WireSpanNode } from '@keel/spec';
import { type Range, defaultRangeExtractor, useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { formatDuration } from '../../lib/format.ts';
import { useFocusNextFrame } from '../../lib/use-focus-next-frame.ts';
import { visibleSpanRows } from '../../lib/traces/visible-span-rows.ts';
import './traces.css';

interface SpanTreeProps {
  roots: readonly WireSpanNode[];
  /** The whole trace's duration: the waterfall's scale. */
  totalMs: number;
  selectedId: string | null;
  onSelect: (spanId: string) => void;
}

/** One row: 30px of content and its 1px bottom border (see .span-row). */
const rowHeight = 31;

/**
 * The span tree (collapsible) next to its waterfall: one row per span, its bar placed by start
 * offset and duration. Only the rows in view are drawn (a trace of 10,000 spans scrolls like one of
 * 10), plus the selected and the focused row, so focus and the tab stop survive scrolling away.
 * Arrow keys move (selection follows), Right/Left open and close, Home/End jump.
 */
export function SpanTree({ roots, totalMs, selectedId, onSelect }: SpanTreeProps) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const scroller = useRef<HTMLDivElement>(null);
  // The column heads stick to the top of the scroller, above the rows: the rows start that far down,
  // and a row scrolled to must not end up under them.
  const head = useRef<HTMLDivElement>(null);
  const [headHeight, setHeadHeight] = useState(0);
  useLayoutEffect(() => {
    setHeadHeight(head.current?.offsetHeight ?? 0);
  }, []);
  const rows = useMemo(() => visibleSpanRows(roots, collapsed), [roots, collapsed]);
  const indexOf = useMemo(() => new Map(rows.map((row, index) => [row.node.span.spanId, index])), [rows]);
  const scale = totalMs > 0 ? totalMs : 1;
  const selectedIndex = selectedId === null ? -1 : (indexOf.get(selectedId) ?? -1);

  // The row keys act on. Focus moves a frame later (the row may not be drawn yet), so a key pressed
  // in between must act on where the previous key went, not on the element still holding focus.
  const active = useRef<string | null>(selectedId);
  const activeIndex = active.current === null ? -1 : (indexOf.get(active.current) ?? -1);
  const rangeExtractor = useCallback((range: Range) => withRows(defaultRangeExtractor(range), range.count, selectedIndex, activeIndex), [selectedIndex, activeIndex]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 10,
    rangeExtractor,
    scrollMargin: headHeight,
    scrollPaddingStart: headHeight,
  });
  const items = virtualizer.getVirtualItems();
  // The tab stop: the selected row, or the first one drawn when it is not (scrolled far away).
  const tabIndexRow = items.some((item) => item.index === selectedIndex) ? selectedIndex : (items[0]?.index ?? -1);

  // A selected span given by the URL (deep in a long trace) is scrolled into view once, on arrival.
  const scrolledToSelected = useRef(false);
  useEffect(() => {
    if (scrolledToSelected.current || selectedIndex < 0) return;
    scrolledToSelected.current = true;
    if (selectedIndex > 0) virtualizer.scrollToIndex(selectedIndex, { align: 'center' });
  }, [selectedIndex, virtualizer]);

  const toggle = (spanId: string, open?: boolean) => {
    setCollapsed((previous) => {
      const next = new Set(previous);
      const isOpen = !next.has(spanId);
      if (open ?? !isOpen) next.delete(spanId);
      else next.add(spanId);
      return next;
    });
  };
  const focusNextFrame = useFocusNextFrame(scroller);
  const focusSpan = (spanId: string) => {
    active.current = spanId;
    onSelect(spanId);
    const index = indexOf.get(spanId);
    if (index !== undefined) virtualizer.scrollToIndex(index);
    focusNextFrame(`[data-span-id="${spanId}"]`);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>, focusedIndex: number) => {
    const current = active.current === null ? undefined : indexOf.get(active.current);
    const index = current ?? focusedIndex;
    const row = rows[index];
    if (row === undefined) return;
    const spanId = row.node.span.spanId;
    const isOpen = row.hasChildren && !collapsed.has(spanId);
    const go = (target: number) => {
      const other = rows[Math.max(0, Math.min(rows.length - 1, target))];
      if (other !== undefined) focusSpan(other.node.span.spanId);
    };
    if (event.key === 'ArrowDown') go(index + 1);
    else if (event.key === 'ArrowUp') go(index - 1);
    else if (event.key === 'Home') go(0);
    else if (event.key === 'End') go(rows.length - 1);
    else if (event.key === 'PageDown' || event.key === 'PageUp') {
      const step = Math.max(1, Math.floor((scroller.current?.clientHeight ?? rowHeight * 10) / rowHeight) - 1);
      go(index + (event.key === 'PageDown' ? step : -step));
    } else if (event.key === 'ArrowRight') {
      if (row.hasChildren && !isOpen) toggle(spanId, true);
      else if (isOpen) go(index + 1);
    } else if (event.key === 'ArrowLeft') {
      if (isOpen) toggle(spanId, false);
      else if (row.parentId !== null) focusSpan(row.parentId);
    } else if (event.key === 'Enter' || event.key === ' ') {
      if (row.hasChildren) toggle(spanId);
      onSelect(spanId);
    } else return;
    event.preventDefault();
  };

  return (
    <div className="span-tree" role="tree" aria-label="Spans" ref={scroller}>
      <div className="span-tree-head" aria-hidden="true" ref={head}>
        <div>Span</div>
        <div>Timeline ({formatDuration(totalMs)})</div>
      </div>
      <div className="span-tree-rows" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = rows[item.index];
          if (row === undefined) return null;
          const { span, offsetMs } = row.node;
          const selected = item.index === selectedIndex;
          const left = Math.min(100, (offsetMs / scale) * 100);
          const width = Math.max(0.4, Math.min(100 - left, (span.latencyMs / scale) * 100));
          const isOpen = row.hasChildren && !collapsed.has(span.spanId);
          return (
            <div
              key={span.spanId}
              role="treeitem"
              aria-level={row.depth + 1}
              aria-posinset={row.position}
              aria-setsize={row.setSize}
              aria-expanded={row.hasChildren ? isOpen : undefined}
              aria-selected={selected}
              aria-label={span.name}
              tabIndex={item.index === tabIndexRow ? 0 : -1}
              data-span-id={span.spanId}
              data-index={item.index}
              className="span-row"
              style={{ height: item.size, transform: `translateY(${item.start - headHeight}px)` }}
              onClick={() => {
                active.current = span.spanId;
                onSelect(span.spanId);
              }}
              onFocus={() => {
                active.current = span.spanId;
              }}
              onKeyDown={(event) => onKeyDown(event, item.index)}
            >
              <div className="span-label" style={{ paddingLeft: `${0.5 + row.depth * 1.1}rem` }}>
                <span
                  className="span-toggle"
                  aria-hidden="true"
                  onClick={(event) => {
                    if (!row.hasChildren) return;
                    event.stopPropagation();
                    toggle(span.spanId);
                  }}
                >
                  {row.hasChildren ? (isOpen ? '▾' : '▸') : ''}
                </span>
                <span className={`span-kind kind-${span.kind}`}>{span.kind}</span>
                <span className={`span-name${span.status === 'error' ? ' status-error' : ''}`}>{span.name}</span>
              </div>
              <div className="span-lane">
                <div
                  className={`span-bar kind-${span.kind}${span.status === 'error' ? ' status-error' : ''}`}
                  data-testid="waterfall-bar"
                  data-left={left.toFixed(2)}
                  data-width={width.toFixed(2)}
                  title={`${span.name}: starts at +${formatDuration(offsetMs)}, takes ${formatDuration(span.latencyMs)}`}
                  style={{ left: `${left}%`, width: `${width}%` }}
                />
                <span className="span-bar-label" style={left + width > 75 ? { right: `${100 - left + 0.5}%` } : { left: `calc(${left + width}% + 0.3rem)` }}>
                  {formatDuration(span.latencyMs)}
                </span>
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** The drawn rows' indexes plus the `kept` ones (selected, focused) that lie outside them, in order. */
function withRows(indexes: number[], count: number, ...kept: number[]): number[] {
  const extra = kept.filter((index) => index >= 0 && index < count && !indexes.includes(index));
  return extra.length === 0 ? indexes : [...new Set([...indexes, ...extra])].sort((left, right) => left - right);
}
