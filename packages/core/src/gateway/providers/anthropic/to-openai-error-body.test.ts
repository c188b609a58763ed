import { describe, expect, it } from 'vitest';
import { toOpenAiErrorBody } from './to-openai-error-body.ts';

describe('toOpenAiErrorBody', () => {
  it.each([
    [400, 'invalid_request_error', 'invalid_request_error'],
    [401, 'authentication_error', 'authentication_error'],
    [403, 'permission_error', 'permission_error'],
    [404, 'not_found_error', 'invalid_request_error'],
    [413, 'request_too_large', 'invalid_request_error'],
    [429, 'rate_limit_error', 'rate_limit_exceeded'],
    [500, 'api_error', 'server_error'],
    [529, 'overloaded_error', 'server_error'],
  ])('translates a %i %s into OpenAI type %s, keeping Anthropic\'s type as the code', (status, anthropicType, openAiType) => {
    expect(toOpenAiErrorBody({ type: 'error', error: { type: anthropicType, message: 'why' }, request_id: 'req_1' }, status, 'fallback')).toEqual({
      error: { message: 'why', type: openAiType, param: null, code: anthropicType },
    });
  });

  it('falls back to the status for bodies that are not Anthropic errors', () => {
    expect(toOpenAiErrorBody(undefined, 502, 'Anthropic answered 502: Bad Gateway')).toEqual({ error: { message: 'Anthropic answered 502: Bad Gateway', type: 'server_error', param: null, code: null } });
    expect(toOpenAiErrorBody({ message: 'nope' }, 429, 'slow')).toMatchObject({ error: { type: 'rate_limit_exceeded' } });
    expect(toOpenAiErrorBody({ type: 'error', error: { type: 'brand_new_error', message: 'm' } }, 409, 'x')).toEqual({ error: { message: 'm', type: 'invalid_request_error', param: null, code: 'brand_new_error' } });
  });
});
