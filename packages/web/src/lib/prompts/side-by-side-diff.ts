export interface DiffLine {
  op: 'equal' | 'add' | 'remove';
  text: string;
}

export interface DiffCell {
  /** 1-based line number in its version. */
  number: number;
  text: string;
  op: 'equal' | 'add' | 'remove';
}

/** One row of a side-by-side diff; a side is null where that version has no line facing the other. */
export interface DiffRow {
  left: DiffCell | null;
  right: DiffCell | null;
}

/**
 * Lays a unified line diff out side by side: equal lines face each other, and in each run of changes
 * the removed lines face the added ones, the longer side continuing against blanks.
 */
export function sideBySideDiff(lines: readonly DiffLine[]): DiffRow[] {
  const rows: DiffRow[] = [];
  let leftNumber = 0;
  let rightNumber = 0;
  let removed: DiffCell[] = [];
  let added: DiffCell[] = [];
  const flush = () => {
    for (let index = 0; index < Math.max(removed.length, added.length); index++) rows.push({ left: removed[index] ?? null, right: added[index] ?? null });
    removed = [];
    added = [];
  };
  for (const line of lines) {
    if (line.op === 'remove') removed.push({ number: ++leftNumber, text: line.text, op: 'remove' });
    else if (line.op === 'add') added.push({ number: ++rightNumber, text: line.text, op: 'add' });
    else {
      flush();
      rows.push({ left: { number: ++leftNumber, text: line.text, op: 'equal' }, right: { number: ++rightNumber, text: line.text, op: 'equal' } });
    }
  }
  flush();
  return rows;
}
