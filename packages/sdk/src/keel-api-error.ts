import type { ErrorCode } from '@keel/spec';

export interface KeelApiErrorInit {
  /** The server's `error_code`, or one chosen from the status when the answer was not Keel's JSON. */
  code: ErrorCode | (string & {});
  /** The HTTP status; 0 when no HTTP answer came back (connection refused, reset, DNS). */
  status: number;
  message: string;
  retryable?: boolean;
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
}

/** Answers that another try may turn into a success; every other 4xx is the caller's to fix. */
const retryableStatuses: ReadonlySet<number> = new Set([0, 429, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return retryableStatuses.has(status);
}

/**
 * A failed call to the Keel API. Identify it by `code` (as everywhere in Keel), not by instanceof:
 * two copies of the SDK in one process make two classes.
 */
export class KeelApiError extends Error {
  readonly code: ErrorCode | (string & {});
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(init: KeelApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'KeelApiError';
    this.code = init.code;
    this.status = init.status;
    this.retryable = init.retryable ?? isRetryableStatus(init.status);
    this.details = init.details;
  }
}

/** True when `error` is a KeelApiError (or looks like one, from another copy of the SDK). */
export function isKeelApiError(error: unknown): error is KeelApiError {
  return error instanceof KeelApiError || (error instanceof Error && error.name === 'KeelApiError' && typeof (error as { code?: unknown }).code === 'string');
}
