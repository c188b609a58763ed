import { invalid } from '@keel/spec';
import { regexSafetyProblem } from './regex-safety-problem.ts';

export const customPiiPatternMaxLength = 500;

// Zero-width matches are found by probing: whether a regex can match empty somewhere is not decidable
// from its source once lookarounds and \b are involved, and these probes catch the common slips.
const emptyMatchProbes = ['', 'a', 'A', '0', ' ', 'ab 12-34.x@y_z\n'];

/** Why `pattern` may not be a custom PII pattern, or null when it may. */
export function customPiiPatternProblem(pattern: string): string | null {
  if (pattern.length === 0) return 'a custom PII pattern must not be empty';
  if (pattern.length > customPiiPatternMaxLength) return `a custom PII pattern is at most ${customPiiPatternMaxLength} characters`;
  const safety = regexSafetyProblem(pattern);
  if (safety !== null) return safety;
  const compiled = new RegExp(pattern, 'g');
  for (const probe of emptyMatchProbes) {
    for (const match of probe.matchAll(compiled)) {
      if (match[0].length === 0) return `'${pattern}' matches the empty string, so it would mask nothing useful and insert tokens everywhere`;
    }
  }
  return null;
}

/** Throws INVALID_PARAMETER_VALUE when `pattern` may not be a custom PII pattern. */
export function validateCustomPiiPattern(pattern: string): void {
  const problem = customPiiPatternProblem(pattern);
  if (problem !== null) throw invalid(problem);
}
