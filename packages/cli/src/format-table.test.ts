import { describe, expect, it } from 'vitest';
import { formatTable } from './format-table.ts';

describe('formatTable', () => {
  it('aligns columns under their headers, numbers to the right', () => {
    const table = formatTable(
      ['NAME', 'SIZE', 'NOTE'],
      [
        ['a', '1', 'first'],
        ['longer-name', '12345', ''],
      ],
      { alignRight: [1] },
    );
    expect(table).toBe(['NAME          SIZE  NOTE', 'a                1  first', 'longer-name  12345', ''].join('\n'));
  });

  it('fills missing cells and neutralises control characters', () => {
    expect(formatTable(['K', 'V'], [['x'], ['evil\u001b[2J', 'two\nlines']])).toBe(['K         V', 'x', 'evil [2J  two lines', ''].join('\n'));
  });
});
