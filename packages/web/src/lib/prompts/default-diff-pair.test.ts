import { describe, expect, it } from 'vitest';
import { defaultDiffPair } from './default-diff-pair.ts';

describe('defaultDiffPair', () => {
  it('takes the versions in the URL when they exist', () => {
    expect(defaultDiffPair([3, 2, 1], '1', '3')).toEqual({ left: 1, right: 3 });
  });
  it('falls back to the one before the newest against the newest', () => {
    expect(defaultDiffPair([3, 2, 1], null, null)).toEqual({ left: 2, right: 3 });
    expect(defaultDiffPair([3, 2, 1], '9', 'x')).toEqual({ left: 2, right: 3 });
    expect(defaultDiffPair([1], null, null)).toEqual({ left: 1, right: 1 });
    expect(defaultDiffPair([], '1', '2')).toBeNull();
  });
});
