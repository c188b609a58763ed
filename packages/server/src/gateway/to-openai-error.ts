import { hasErrorCode, type OpenAiErrorBody } from '@keel/spec';
import { isGatewayCallError, isUpstreamError, type UpstreamError } from '@keel/core';
import { toErrorResponse } from '../http/error-response.ts';

const typeByStatus: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
};

function typeOf(status: number): string {
  return typeByStatus[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export interface OpenAiErrorResponse {
  status: number;
  body: OpenAiErrorBody;
  retryAfterSeconds: number | null;
  /** A failure of Keel itself (to log), not of the request or an upstream. */
  internal: boolean;
}

/**
 * Any failure of a gateway route in OpenAI's error shape, which the openai SDK and every OpenAI
 * client read. An upstream's own 4xx is passed back with its status and message; exhausted
 * retries answer 429 when the upstream was rate-limiting, 504 on time-outs, 502 otherwise.
 */
export function toOpenAiError(error: unknown): OpenAiErrorResponse {
  if (isGatewayCallError(error)) return fromUpstream(error.last, error.path);
  // A stream that fails part way throws the upstream's error itself (no fallback is possible then).
  if (isUpstreamError(error)) return fromUpstream(error, []);
  const { status, body, internal } = toErrorResponse(error);
  const details = hasErrorCode(error) ? error.details : body.details;
  const openaiCode = typeof details?.openai_code === 'string' ? details.openai_code : body.error_code.toLowerCase();
  const param = typeof details?.param === 'string' ? details.param : paramOf(details);
  const retryAfter = typeof details?.retry_after_seconds === 'number' ? details.retry_after_seconds : null;
  return { status, body: { error: { message: body.message, type: typeOf(status), param, code: openaiCode } }, retryAfterSeconds: retryAfter, internal };
}

function fromUpstream(last: UpstreamError, path: readonly { provider: string; model: string }[]): OpenAiErrorResponse {
  const upstreamStatus = last.status;
  const status = last.failure === 'timeout' ? 504 : upstreamStatus === 429 ? 429 : upstreamStatus !== null && upstreamStatus >= 400 && upstreamStatus < 500 ? upstreamStatus : last.failure === 'aborted' ? 499 : 502;
  const tried = path.length > 1 ? ` (tried ${path.map((step) => `${step.provider}/${step.model}`).join(', ')})` : '';
  const code = last.failure === 'timeout' ? 'upstream_timeout' : status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'upstream_error' : 'upstream_rejected';
  const retryAfter = last.retryAfterMs === null ? null : Math.max(1, Math.ceil(last.retryAfterMs / 1000));
  return { status, body: { error: { message: `${last.message}${tried}`, type: typeOf(status), param: null, code } }, retryAfterSeconds: status === 429 ? (retryAfter ?? 1) : null, internal: false };
}

/** The path of the first zod issue, as OpenAI names a bad parameter (`messages.0.role`). */
function paramOf(details: Record<string, unknown> | undefined): string | null {
  const issues = details?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return null;
  const path = (issues[0] as { path?: unknown }).path;
  return Array.isArray(path) && path.length > 0 ? path.join('.') : null;
}
