import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, type ReactNode, useEffect, useRef } from 'react';
import { useFocusNextFrame } from '../lib/use-focus-next-frame.ts';

export interface TableColumn<Row> {
  id: string;
  header: ReactNode;
  /** CSS width, e.g. '12rem' or '1fr'. */
  width: string;
  cell: (row: Row) => ReactNode;
  align?: 'left' | 'right';
  /** Set for sortable columns: the header becomes a button. */
  sort?: 'asc' | 'desc' | 'none';
  onSort?: () => void;
}

interface VirtualTableProps<Row> {
  label: string;
  columns: readonly TableColumn<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  /** Opening a row (click, or Enter on the focused row). */
  onOpen?: (row: Row) => void;
  /** Called when the last rendered rows come close to the end: load the next page. */
  onNearEnd?: () => void;
  rowHeight?: number;
  height?: string;
  selectedKeys?: ReadonlySet<string>;
}

/**
 * A table that renders only the rows in view (a grid of divs with ARIA table roles), so 10,000 rows
 * scroll as smoothly as 10. Arrow keys move between rows; Enter opens one.
 */
export function VirtualTable<Row>({ label, columns, rows, rowKey, onOpen, onNearEnd, rowHeight = 34, height = 'calc(100vh - 15rem)', selectedKeys }: VirtualTableProps<Row>) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const template = columns.map((column) => column.width).join(' ');
  const last = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (onNearEnd !== undefined && rows.length > 0 && last >= rows.length - 30) onNearEnd();
  }, [last, rows.length, onNearEnd]);

  // The row keys act on. Focus moves a frame later (after scrolling the row into view), so a key
  // pressed in between must act on where the previous key went, not on the row still focused.
  const active = useRef(-1);
  const focusNextFrame = useFocusNextFrame(scroller);
  const focusRow = (index: number) => {
    const bounded = Math.max(0, Math.min(rows.length - 1, index));
    active.current = bounded;
    virtualizer.scrollToIndex(bounded);
    focusNextFrame(`[data-index="${bounded}"]`);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>, focusedIndex: number, focusedRow: Row) => {
    // Keys pressed on a control inside the row (a checkbox, a link) are that control's.
    if (event.target !== event.currentTarget && (event.target as HTMLElement).closest('a, button, input, select, textarea, label') !== null) return;
    const index = active.current >= 0 && active.current < rows.length ? active.current : focusedIndex;
    const row = index === focusedIndex ? focusedRow : (rows[index] as Row);
    if (event.key === 'ArrowDown') focusRow(index + 1);
    else if (event.key === 'ArrowUp') focusRow(index - 1);
    else if (event.key === 'Home') focusRow(0);
    else if (event.key === 'End') focusRow(rows.length - 1);
    else if (event.key === 'Enter' && onOpen !== undefined) onOpen(row);
    else return;
    event.preventDefault();
  };

  return (
    <div className="vtable" role="table" aria-label={label} aria-rowcount={rows.length + 1}>
      <div className="vtable-head" role="row" style={{ gridTemplateColumns: template }}>
        {columns.map((column) => (
          <div key={column.id} role="columnheader" className={column.align === 'right' ? 'num' : undefined} aria-sort={column.sort === 'asc' ? 'ascending' : column.sort === 'desc' ? 'descending' : undefined}>
            {column.onSort === undefined ? column.header : (
              <button type="button" className="sort-button" onClick={column.onSort}>
                {column.header}
                <span aria-hidden="true">{column.sort === 'asc' ? ' ▲' : column.sort === 'desc' ? ' ▼' : ''}</span>
              </button>
            )}
          </div>
        ))}
      </div>
      <div className="vtable-body" ref={scroller} style={{ height }}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="rowgroup">
          {items.map((item) => {
            const row = rows[item.index] as Row;
            const key = rowKey(row);
            return (
              <div
                key={key}
                role="row"
                tabIndex={0}
                data-index={item.index}
                data-key={key}
                aria-rowindex={item.index + 2}
                aria-selected={selectedKeys?.has(key)}
                className="vtable-row"
                style={{ gridTemplateColumns: template, height: item.size, transform: `translateY(${item.start}px)` }}
                onClick={(event) => {
                  const target = event.target as HTMLElement;
                  if (onOpen !== undefined && target.closest('a, button, input, label') === null) onOpen(row);
                }}
                onFocus={(event) => {
                  if (event.target === event.currentTarget) active.current = item.index;
                }}
                onKeyDown={(event) => onKeyDown(event, item.index, row)}
              >
                {columns.map((column) => (
                  <div key={column.id} role="cell" className={column.align === 'right' ? 'num' : undefined}>{column.cell(row)}</div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
