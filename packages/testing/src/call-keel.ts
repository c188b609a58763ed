import { type HttpAnswer, readHttpAnswer } from './read-http-answer.ts';

/** One HTTP request to a Keel server, as the route tables of the HTTP tests describe it. */
export interface KeelRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path, already URL-encoded where it carries names. */
  path: string;
  query?: Record<string, string | readonly string[]>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, as application/octet-stream (artifact uploads). */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

export type KeelResponse = HttpAnswer;

export const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

/** HTTP Basic with the API key as the password, the way MLflow clients send MLFLOW_TRACKING_PASSWORD. */
export const basic = (key: string, user = 'keel'): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}` });

export function keelUrl(baseUrl: string, request: Pick<KeelRequest, 'path' | 'query'>): string {
  const url = new URL(request.path, baseUrl);
  for (const [name, value] of Object.entries(request.query ?? {})) {
    for (const item of typeof value === 'string' ? [value] : value) url.searchParams.append(name, item);
  }
  return url.toString();
}

/** Sends `request` with `key` as a bearer token (none when undefined) and reads the whole answer. */
export async function callKeel(baseUrl: string, request: KeelRequest, key?: string): Promise<KeelResponse> {
  const headers: Record<string, string> = { ...(key === undefined ? {} : bearer(key)) };
  let body: string | Uint8Array | undefined;
  if (request.rawBody !== undefined) {
    headers['content-type'] = 'application/octet-stream';
    body = request.rawBody;
  } else if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.body);
  }
  return readHttpAnswer(await fetch(keelUrl(baseUrl, request), { method: request.method, headers: { ...headers, ...request.headers }, body }));
}

/** Like `callKeel`, but fails unless the answer is 2xx; returns the parsed body. */
export async function callKeelOk<T = Record<string, unknown>>(baseUrl: string, request: KeelRequest, key?: string): Promise<T> {
  const response = await callKeel(baseUrl, request, key);
  if (response.status < 200 || response.status > 299) {
    throw new Error(`${request.method} ${request.path} answered ${response.status}: ${response.text.slice(0, 500)}`);
  }
  return response.json as T;
}
