import { type ErrorCode, errorStatus, isErrorCode, isRetryableCode } from './error-codes.ts';

export interface KeelErrorOptions {
  cause?: unknown;
  retryable?: boolean;
  details?: Record<string, unknown>;
}

/** The one error class of Keel. Identify errors by `code` (see `hasErrorCode`), not by instanceof. */
export class KeelError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: KeelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KeelError';
    this.code = code;
    this.retryable = options.retryable ?? isRetryableCode(code);
    this.details = options.details;
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

/** True when `error` carries one of Keel's error codes (works across module copies and the wire). */
export function hasErrorCode(error: unknown, code?: ErrorCode): error is KeelError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = (error as { code?: unknown }).code;
  if (!isErrorCode(candidate)) return false;
  return code === undefined || candidate === code;
}

export const notFound = (what: string): KeelError => new KeelError('RESOURCE_DOES_NOT_EXIST', what);
export const invalid = (message: string, details?: Record<string, unknown>): KeelError =>
  new KeelError('INVALID_PARAMETER_VALUE', message, details === undefined ? {} : { details });
