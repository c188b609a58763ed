import { KeelError } from '@keel/spec';

const keyPattern = /^[/\w.\- ]*$/;
const maxKeyLength = 250;

/**
 * The server's key rule (core/tracking/tracking-limits.ts), checked when a metric is logged: buffered
 * metrics travel in batches of up to 1000, and one bad key would make the server refuse the whole batch.
 */
export function checkTrackingKey(key: string, what: 'Metric' | 'Param' | 'Tag'): void {
  const segments = key.split('/');
  const valid = key.length > 0 && key.length <= maxKeyLength && keyPattern.test(key) && !key.startsWith('/') && !segments.includes('..') && !segments.includes('.');
  if (!valid) {
    throw new KeelError('INVALID_PARAMETER_VALUE', `Invalid ${what} key '${key.slice(0, 60)}': 1-${maxKeyLength} characters of letters, digits, _ - . space and /, as a relative path`);
  }
}
