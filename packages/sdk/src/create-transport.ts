import { type ErrorCode, KeelError, errorBodySchema } from '@keel/spec';
import type { z } from 'zod';
import { KeelApiError } from './keel-api-error.ts';
import type { RetryPolicy } from './retry-policy.ts';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  project?: string | undefined;
  fetch: FetchLike;
  retry: RetryPolicy;
}

/** A request body; a function so that each retry gets a fresh stream. */
export type BodyFactory = () => Promise<{ body: NonNullable<RequestInit['body']>; contentType: string }>;

export interface SendOptions {
  method: HttpMethod;
  /** Already encoded, starting with `/`. */
  path: string;
  query?: Record<string, QueryValue> | undefined;
  json?: unknown;
  body?: BodyFactory | undefined;
  /** False for a body that can be read only once (a caller's stream). */
  retry?: boolean;
  /**
   * Whether sending twice does no harm. Defaults to true for every method but POST. A POST that is not
   * idempotent (a create) is retried only when the server surely did not act on it: 429, 503, or a
   * refused connection; a timeout or a 502 may hide a request that was carried out.
   */
  idempotent?: boolean;
}

function surelyNotCarriedOut(failure: KeelApiError): boolean {
  if (failure.status === 429 || failure.status === 503) return true;
  return failure.status === 0 && failure.message.includes('ECONNREFUSED');
}

export interface Transport {
  /** Sends and returns the successful response, its body unread; throws KeelApiError otherwise. */
  send(options: SendOptions): Promise<Response>;
  /** Sends and parses the JSON answer with `schema`. */
  request<T>(options: SendOptions & { schema: z.ZodType<T> }): Promise<T>;
}

/** Used when an answer is not Keel's JSON error (a proxy in between, a wrong KEEL_URL). */
function codeForStatus(status: number): ErrorCode {
  if (status === 400) return 'BAD_REQUEST';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'ENDPOINT_NOT_FOUND';
  if (status === 405) return 'METHOD_NOT_ALLOWED';
  if (status === 409) return 'RESOURCE_CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 429) return 'REQUEST_LIMIT_EXCEEDED';
  if (status === 501) return 'NOT_IMPLEMENTED';
  if (status === 502 || status === 503 || status === 504) return 'TEMPORARILY_UNAVAILABLE';
  return status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
}

async function errorFromResponse(response: Response, method: HttpMethod, path: string): Promise<KeelApiError> {
  const text = await response.text().catch(() => '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const body = errorBodySchema.safeParse(json);
  if (body.success) return new KeelApiError({ code: body.data.error_code, status: response.status, message: body.data.message, details: body.data.details });
  const snippet = text.trim().slice(0, 200);
  return new KeelApiError({
    code: codeForStatus(response.status),
    status: response.status,
    message: `${method} ${path} answered HTTP ${response.status}${snippet === '' ? '' : `: ${snippet}`}`,
  });
}

function networkError(error: unknown, baseUrl: string): KeelApiError {
  const cause = error instanceof Error ? (error.cause ?? error) : error;
  const reason = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : cause instanceof Error ? cause.message : String(cause);
  return new KeelApiError({ code: 'TEMPORARILY_UNAVAILABLE', status: 0, message: `Cannot reach Keel at ${baseUrl} (${reason})`, cause: error });
}

function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function buildUrl(baseUrl: string, path: string, query: Record<string, QueryValue> | undefined): string {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (typeof value === 'object') for (const item of value) url.searchParams.append(name, item);
    else url.searchParams.append(name, String(value));
  }
  return url.toString();
}

/** HTTP to the Keel API: authentication headers, retries with backoff, Keel's error shape. */
export function createTransport(options: TransportOptions): Transport {
  const { retry } = options;
  const send = async (request: SendOptions): Promise<Response> => {
    const url = buildUrl(options.baseUrl, request.path, request.query);
    const attempts = request.retry === false ? 1 : retry.maxAttempts;
    const idempotent = request.idempotent ?? request.method !== 'POST';
    for (let attempt = 1; ; attempt += 1) {
      const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}`, accept: 'application/json' };
      if (options.project !== undefined && options.project !== '') headers['x-keel-project'] = options.project;
      const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers };
      if (request.json !== undefined) {
        headers['content-type'] = 'application/json';
        init.body = JSON.stringify(request.json);
      } else if (request.body !== undefined) {
        const made = await request.body();
        headers['content-type'] = made.contentType;
        init.body = made.body;
        // Node's fetch streams a ReadableStream body only in half-duplex mode.
        if (made.body instanceof ReadableStream) init.duplex = 'half';
      }
      let response: Response;
      try {
        response = await options.fetch(url, init);
      } catch (error) {
        const failure = networkError(error, options.baseUrl);
        if (attempt >= attempts || (!idempotent && !surelyNotCarriedOut(failure))) throw failure;
        await retry.sleep(retry.delayMs(attempt));
        continue;
      }
      if (response.ok) return response;
      const failure = await errorFromResponse(response, request.method, request.path);
      if (!failure.retryable || attempt >= attempts || (!idempotent && !surelyNotCarriedOut(failure))) throw failure;
      await retry.sleep(retry.delayMs(attempt, retryAfterMs(response)));
    }
  };

  return {
    send,
    async request<T>(request: SendOptions & { schema: z.ZodType<T> }): Promise<T> {
      const response = await send(request);
      const text = await response.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch (error) {
        throw new KeelApiError({ code: 'INTERNAL_ERROR', status: response.status, retryable: false, message: `${request.method} ${request.path} answered with invalid JSON`, cause: error });
      }
      const parsed = request.schema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue === undefined || issue.path.length === 0 ? '' : ` at '${issue.path.join('.')}'`;
        throw new KeelApiError({
          code: 'INTERNAL_ERROR',
          status: response.status,
          retryable: false,
          message: `Unexpected answer from ${request.method} ${request.path}${where}: ${issue?.message ?? 'bad shape'} (is the server the same version as this SDK?)`,
          cause: parsed.error,
        });
      }
      return parsed.data;
    },
  };
}

/** Encodes one path segment (an id, a name, a key). */
export const segment = (value: string): string => encodeURIComponent(value);

/**
 * Encodes an artifact path, keeping its slashes. '.' and '..' are refused here: URL parsing would
 * resolve them, and the request would silently go to another path instead of being refused.
 */
export function artifactSegments(value: string): string {
  const segments = value.replace(/^\/+/, '').split('/');
  if (segments.some((item) => item === '.' || item === '..')) throw new KeelError('INVALID_PARAMETER_VALUE', `Invalid artifact path '${value}': '.' and '..' are not allowed`);
  return segments.map(encodeURIComponent).join('/');
}
