import type { WireSpanNode } from '@keel/spec';
import { type KeyboardEvent, useRef, useState } from 'react';
import { formatDuration } from '../../lib/format.ts';
import { visibleSpanRows } from '../../lib/traces/visible-span-rows.ts';
import './traces.css';

interface SpanTreeProps {
  roots: readonly WireSpanNode[];
  /** The whole trace's duration: the waterfall's scale. */
  totalMs: number;
  selectedId: string | null;
  onSelect: (spanId: string) => void;
}

/**
 * The span tree (collapsible) next to its waterfall: one row per span, its bar placed by start
 * offset and duration. Arrow keys move (selection follows), Right/Left open and close, Home/End jump.
 */
export function SpanTree({ roots, totalMs, selectedId, onSelect }: SpanTreeProps) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const box = useRef<HTMLDivElement>(null);
  const rows = visibleSpanRows(roots, collapsed);
  const scale = totalMs > 0 ? totalMs : 1;
  const selectedIndex = Math.max(0, rows.findIndex((row) => row.node.span.spanId === selectedId));

  const toggle = (spanId: string, open?: boolean) => {
    setCollapsed((previous) => {
      const next = new Set(previous);
      const isOpen = !next.has(spanId);
      if (open ?? !isOpen) next.delete(spanId);
      else next.add(spanId);
      return next;
    });
  };
  // The row keys act on. Focus moves a frame later (the row may not be drawn yet), so a key pressed
  // in between must act on where the previous key went, not on the element still holding focus.
  const active = useRef<string | null>(selectedId);
  const pendingFocus = useRef(0);
  const focusSpan = (spanId: string) => {
    active.current = spanId;
    onSelect(spanId);
    cancelAnimationFrame(pendingFocus.current);
    pendingFocus.current = requestAnimationFrame(() => box.current?.querySelector<HTMLElement>(`[data-span-id="${spanId}"]`)?.focus());
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>, focusedIndex: number) => {
    const activeIndex = rows.findIndex((candidate) => candidate.node.span.spanId === active.current);
    const index = activeIndex === -1 ? focusedIndex : activeIndex;
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
    else if (event.key === 'ArrowRight') {
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
    <div className="span-tree" ref={box}>
      <div className="span-tree-head" aria-hidden="true">
        <div>Span</div>
        <div>Timeline ({formatDuration(totalMs)})</div>
      </div>
      <div role="tree" aria-label="Spans">
        {rows.map((row, index) => {
          const { span, offsetMs } = row.node;
          const selected = span.spanId === selectedId;
          const left = Math.min(100, (offsetMs / scale) * 100);
          const width = Math.max(0.4, Math.min(100 - left, (span.latencyMs / scale) * 100));
          const isOpen = row.hasChildren && !collapsed.has(span.spanId);
          return (
            <div
              key={span.spanId}
              role="treeitem"
              aria-level={row.depth + 1}
              aria-expanded={row.hasChildren ? isOpen : undefined}
              aria-selected={selected}
              aria-label={span.name}
              tabIndex={index === selectedIndex ? 0 : -1}
              data-span-id={span.spanId}
              className="span-row"
              onClick={() => onSelect(span.spanId)}
              onFocus={() => {
                active.current = span.spanId;
              }}
              onKeyDown={(event) => onKeyDown(event, index)}
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
