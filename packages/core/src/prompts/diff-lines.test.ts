import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffLines } from './diff-lines.ts';

const sides = (lines: ReturnType<typeof diffLines>) => ({
  before: lines.filter((line) => line.op !== 'add').map((line) => line.text),
  after: lines.filter((line) => line.op !== 'remove').map((line) => line.text),
  edits: lines.filter((line) => line.op !== 'equal').length,
});

describe('diffLines', () => {
  it('marks changed lines and keeps the rest', () => {
    expect(diffLines(['a', 'b', 'c'], ['a', 'x', 'c', 'd'])).toEqual([
      { op: 'equal', text: 'a' },
      { op: 'remove', text: 'b' },
      { op: 'add', text: 'x' },
      { op: 'equal', text: 'c' },
      { op: 'add', text: 'd' },
    ]);
    expect(diffLines([], [])).toEqual([]);
    expect(diffLines(['a'], [])).toEqual([{ op: 'remove', text: 'a' }]);
  });

  it('rebuilds both sides with a shortest edit script (property)', () => {
    const line = fc.constantFrom('a', 'b', 'c', 'd');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.array(line, { maxLength: 12 }), (before, after) => {
        const result = sides(diffLines(before, after));
        expect(result.before).toEqual(before);
        expect(result.after).toEqual(after);
        // Shortest: edits = n + m - 2·LCS.
        const lcs = Array.from({ length: before.length + 1 }, () => new Array<number>(after.length + 1).fill(0));
        for (let i = 1; i <= before.length; i += 1) {
          for (let j = 1; j <= after.length; j += 1) lcs[i]![j] = before[i - 1] === after[j - 1] ? lcs[i - 1]![j - 1]! + 1 : Math.max(lcs[i - 1]![j]!, lcs[i]![j - 1]!);
        }
        expect(result.edits).toBe(before.length + after.length - 2 * lcs[before.length]![after.length]!);
      }),
      { numRuns: 300 },
    );
  });

  it('gives up on minimality past the edit limit but stays correct', () => {
    const before = Array.from({ length: 50 }, (_, index) => `old ${index}`);
    const after = Array.from({ length: 50 }, (_, index) => `new ${index}`);
    const result = sides(diffLines(['same', ...before, 'end'], ['same', ...after, 'end'], 10));
    expect(result.before).toEqual(['same', ...before, 'end']);
    expect(result.after).toEqual(['same', ...after, 'end']);
  });
});
