import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '@keel/spec';
import { normalizeArtifactPath } from './normalize-artifact-path.ts';

describe('normalizeArtifactPath', () => {
  it('keeps clean relative paths and trims a trailing slash', () => {
    expect(normalizeArtifactPath('model/MLmodel')).toBe('model/MLmodel');
    expect(normalizeArtifactPath('plots/a.png/')).toBe('plots/a.png');
    expect(normalizeArtifactPath(undefined)).toBe('');
    expect(normalizeArtifactPath('')).toBe('');
  });

  it.each(['/etc/passwd', '../etc/passwd', 'a/../../b', 'a/./b', 'a//b', 'a\\..\\b', 'a\u0000b', '..', '.'])('refuses %j', (path) => {
    let caught: unknown;
    try {
      normalizeArtifactPath(path);
    } catch (error) {
      caught = error;
    }
    expect(hasErrorCode(caught, 'INVALID_PARAMETER_VALUE')).toBe(true);
  });
});
