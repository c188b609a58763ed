import { type ErrorBody, type ErrorCode, KeelError, errorStatus, hasErrorCode } from '@keel/spec';
import { ZodError } from 'zod';

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message: string;
}

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_VALIDATION: 'INVALID_PARAMETER_VALUE',
};

/** Any thrown value as Keel's one error shape and its HTTP status. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (hasErrorCode(error)) {
    const body: ErrorBody = { error_code: error.code, message: error.message };
    if (error instanceof KeelError && error.details !== undefined) body.details = error.details;
    return { status: errorStatus[error.code], body, internal: errorStatus[error.code] >= 500 };
  }
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at '${issue.path.join('.')}'`;
    return {
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: `Invalid request${where}: ${issue?.message ?? 'bad value'}`, details: { issues: error.issues.slice(0, 10).map((item) => ({ path: item.path.map(String), message: item.message })) } },
      internal: false,
    };
  }
  const candidate = error as FastifyLikeError;
  const mapped = candidate.code === undefined ? undefined : fastifyCodes[candidate.code];
  if (mapped !== undefined) return { status: errorStatus[mapped], body: { error_code: mapped, message: candidate.message }, internal: false };
  if (error instanceof SyntaxError || (candidate.statusCode === 400 && typeof candidate.message === 'string')) {
    return { status: 400, body: { error_code: 'BAD_REQUEST', message: `Malformed request: ${candidate.message}` }, internal: false };
  }
  if (typeof candidate.statusCode === 'number' && candidate.statusCode >= 400 && candidate.statusCode < 500) {
    return { status: candidate.statusCode, body: { error_code: 'BAD_REQUEST', message: candidate.message }, internal: false };
  }
  return { status: 500, body: { error_code: 'INTERNAL_ERROR', message: 'Internal error; the server log has the details' }, internal: true };
}

/** MLflow clients treat RESOURCE_ALREADY_EXISTS (400) as "exists"; Keel's own API answers 409 ALREADY_EXISTS. */
export function toMlflowError(response: { status: number; body: ErrorBody }): { status: number; body: ErrorBody } {
  if (response.body.error_code === 'ALREADY_EXISTS') return { status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: response.body.message } };
  return { status: response.status, body: { error_code: response.body.error_code, message: response.body.message } };
}
