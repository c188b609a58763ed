import { KeelError } from '@keel/spec';

/**
 * A user-supplied artifact path as a clean relative path: '/'-separated, no empty, '.' or '..'
 * segments, no backslashes or NUL. Anything that could leave its run is refused, not repaired.
 */
export function normalizeArtifactPath(raw: string | undefined): string {
  if (raw === undefined) return '';
  let decoded = raw;
  // Like MLflow's validate_path_is_safe: an absolute path is refused (a trailing '/' is harmless).
  if (decoded.includes('\u0000') || decoded.includes('\\') || decoded.startsWith('/')) throw badPath(raw);
  decoded = decoded.replace(/\/+$/, '');
  if (decoded === '') return '';
  const segments = decoded.split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') throw badPath(raw);
  }
  return segments.join('/');
}

function badPath(raw: string): KeelError {
  return new KeelError('INVALID_PARAMETER_VALUE', `Invalid artifact path '${raw}': it must be a relative path inside the run, without '..', '\\' or a leading '/'`);
}

export function joinArtifactPath(...parts: string[]): string {
  return parts.filter((part) => part !== '').join('/');
}
