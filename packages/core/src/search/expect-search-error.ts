import { hasErrorCode } from '@keel/spec';
import { expect } from 'vitest';

/** Asserts `action` throws INVALID_PARAMETER_VALUE at `position` with a message containing `fragment`. */
export function expectSearchError(action: () => unknown, position: number, fragment: string, details: Record<string, unknown> = {}): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(hasErrorCode(thrown, 'INVALID_PARAMETER_VALUE'), `expected a KeelError, got ${String(thrown)}`).toBe(true);
  if (!hasErrorCode(thrown)) return;
  expect(thrown.message).toContain(`at position ${position}:`);
  expect(thrown.message).toContain(fragment);
  expect(thrown.details).toEqual({ ...details, position });
}
