import type { OpenAiErrorBody } from '@keel/spec';
import { anthropicErrorBodySchema } from './anthropic-wire.ts';

/** OpenAI's error types for Anthropic's; Anthropic's own type is kept in `code`. */
const errorTypes: Record<string, string> = {
  invalid_request_error: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
  not_found_error: 'invalid_request_error',
  authentication_error: 'authentication_error',
  permission_error: 'permission_error',
  rate_limit_error: 'rate_limit_exceeded',
  api_error: 'server_error',
  overloaded_error: 'server_error',
};

/**
 * An Anthropic error (the parsed JSON of an HTTP error body or of an SSE `error` event) in OpenAI's
 * error shape, so callers of the gateway see one error format whatever the provider. A body that
 * is not Anthropic's error JSON (a proxy's HTML page, say) yields `fallbackMessage`.
 */
export function toOpenAiErrorBody(body: unknown, status: number | null, fallbackMessage: string): OpenAiErrorBody {
  const parsed = anthropicErrorBodySchema.safeParse(body);
  if (parsed.success) {
    const { type, message } = parsed.data.error;
    return { error: { message, type: errorTypes[type] ?? typeForStatus(status), param: null, code: type } };
  }
  return { error: { message: fallbackMessage, type: typeForStatus(status), param: null, code: null } };
}

function typeForStatus(status: number | null): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_exceeded';
  if (status !== null && status >= 400 && status < 500) return 'invalid_request_error';
  return 'server_error';
}
