import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '@keel/spec';
import { regexSafetyProblem } from './regex-safety-problem.ts';
import { customPiiPatternProblem, validateCustomPiiPattern } from './validate-custom-pii-pattern.ts';

describe('regexSafetyProblem', () => {
  it('accepts patterns without a repeated repetition', () => {
    for (const pattern of ['EMP-\\d{6}', '[A-Z]{2}\\d+', '(?:ab|cd)+', '(\\d{3})+', '(?<id>x+)-y*', '[(a+)+]', '\\(a+\\)+', 'a{2,}b?', '(a+)?']) {
      expect(regexSafetyProblem(pattern), pattern).toBeNull();
    }
  });

  it('refuses nested quantifiers, the shape of catastrophic backtracking', () => {
    for (const pattern of ['(a+)+', '(.*)*', '(\\w+\\s?)+$', '(?:a*b?)*', '((ab)+c)+', '(x+){2,}', '(?<n>\\d+)*', '(a|b+){1,9}']) {
      expect(regexSafetyProblem(pattern), pattern).toMatch(/repeats a group that itself contains a repetition/);
    }
  });

  it('refuses what does not compile', () => {
    expect(regexSafetyProblem('(a')).toMatch(/not a valid regular expression/);
  });
});

describe('validateCustomPiiPattern', () => {
  it('refuses patterns that match the empty string', () => {
    for (const pattern of ['a*', '\\d?', 'x|', '\\b', '(?=a)']) {
      expect(customPiiPatternProblem(pattern), pattern).toMatch(/empty string/);
    }
  });

  it('throws INVALID_PARAMETER_VALUE with the reason', () => {
    expect(() => validateCustomPiiPattern('EMP-\\d{6}')).not.toThrow();
    try {
      validateCustomPiiPattern('(.*)*');
      expect.unreachable();
    } catch (error) {
      expect(hasErrorCode(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
      expect((error as Error).message).toMatch(/exponential time/);
    }
    expect(customPiiPatternProblem('')).toMatch(/must not be empty/);
    expect(customPiiPatternProblem('a'.repeat(501))).toMatch(/at most 500/);
  });
});
