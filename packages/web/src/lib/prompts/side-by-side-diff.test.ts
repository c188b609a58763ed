import { describe, expect, it } from 'vitest';
import { sideBySideDiff } from './side-by-side-diff.ts';

describe('sideBySideDiff', () => {
  it('faces removed lines with added ones, numbers each side, and pads the shorter side', () => {
    const rows = sideBySideDiff([
      { op: 'equal', text: 'a' },
      { op: 'remove', text: 'b' },
      { op: 'add', text: 'B' },
      { op: 'add', text: 'C' },
      { op: 'equal', text: 'd' },
      { op: 'remove', text: 'e' },
    ]);
    expect(rows.map((row) => [row.left === null ? null : `${row.left.number}${row.left.op[0]}${row.left.text}`, row.right === null ? null : `${row.right.number}${row.right.op[0]}${row.right.text}`])).toEqual([
      ['1ea', '1ea'],
      ['2rb', '2aB'],
      [null, '3aC'],
      ['3ed', '4ed'],
      ['4re', null],
    ]);
  });

  it('gives no rows for no lines', () => {
    expect(sideBySideDiff([])).toEqual([]);
  });
});
