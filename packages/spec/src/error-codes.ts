/**
 * The closed list of error codes and the HTTP status of each. The vocabulary is MLflow's
 * (so that MLflow clients read our errors unchanged), plus a few HTTP-level codes it lacks.
 */
export const errorStatus = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ALREADY_EXISTS: 409,
  RESOURCE_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  REQUEST_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export const errorCodes = Object.keys(errorStatus) as ErrorCode[];

/** Codes whose failures a client may retry. */
const retryableCodes: ReadonlySet<ErrorCode> = new Set(['REQUEST_LIMIT_EXCEEDED', 'TEMPORARILY_UNAVAILABLE', 'INTERNAL_ERROR']);

export function isRetryableCode(code: ErrorCode): boolean {
  return retryableCodes.has(code);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorStatus, value);
}
