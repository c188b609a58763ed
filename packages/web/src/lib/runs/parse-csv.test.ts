import { describe, expect, it } from 'vitest';
import { parseCsv } from './parse-csv.ts';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and CRLF rows', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n"two\nlines",3\n', 10)).toEqual({
      rows: [['a', 'b'], ['x, y', 'say "hi"'], ['two\nlines', '3']],
      truncated: false,
    });
  });

  it('keeps empty cells and a last row without a line break', () => {
    expect(parseCsv('a,,c\n1,2,', 10).rows).toEqual([['a', '', 'c'], ['1', '2', '']]);
  });

  it('stops after maxRows and says so', () => {
    const text = Array.from({ length: 10 }, (_, i) => `${i}`).join('\n');
    expect(parseCsv(text, 3)).toEqual({ rows: [['0'], ['1'], ['2']], truncated: true });
    expect(parseCsv(text, 10).truncated).toBe(false);
  });
});
