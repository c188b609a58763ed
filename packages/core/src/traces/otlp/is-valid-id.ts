const traceIdPattern = /^[0-9a-f]{32}$/;
const spanIdPattern = /^[0-9a-f]{16}$/;
const allZeros = /^0+$/;

/** True for a lowercase hex trace id (32 characters) or span id (16), not all zeros. */
export function isValidId(value: string, kind: 'trace' | 'span'): boolean {
  return (kind === 'trace' ? traceIdPattern : spanIdPattern).test(value) && !allZeros.test(value);
}
