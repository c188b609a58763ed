import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { type HttpAnswer, readHttpAnswer } from './read-http-answer.ts';

/**
 * HTTP helpers for tests that speak MLflow's REST API to a real `keel server` the way the MLflow
 * clients do: JSON bodies with `Content-Type: application/json`, GET parameters in the query
 * string (repeated keys for repeated fields), DELETE with a JSON body, and either
 * `Authorization: Bearer <MLFLOW_TRACKING_TOKEN>` or Basic from MLFLOW_TRACKING_USERNAME/PASSWORD.
 */

export type MlflowAuth = { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string } | { kind: 'none' };

/** `MLFLOW_TRACKING_TOKEN=<key>`. */
export const bearerAuth = (token: string): MlflowAuth => ({ kind: 'bearer', token });
/** `MLFLOW_TRACKING_USERNAME=<any>`, `MLFLOW_TRACKING_PASSWORD=<key>`. */
export const basicAuth = (password: string, username = 'mlflow-user'): MlflowAuth => ({ kind: 'basic', username, password });

export function authorizationHeaders(auth: MlflowAuth): Record<string, string> {
  switch (auth.kind) {
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
    case 'none':
      return {};
  }
}

export type { HttpAnswer } from './read-http-answer.ts';

export type QueryValue = string | number | boolean | undefined | readonly (string | number)[];

/** `experiments/create` -> `/api/2.0/mlflow/experiments/create`; paths starting with '/' are kept. */
export function mlflowPath(route: string): string {
  return route.startsWith('/') ? route : `/api/2.0/mlflow/${route}`;
}

/** A query string as `requests` builds it: repeated keys for lists, undefined values left out. */
export function queryString(query: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value as readonly (string | number)[]) search.append(key, String(item));
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

const answer = readHttpAnswer;

export interface MlflowHttp {
  readonly baseUrl: string;
  get(route: string, query?: Record<string, QueryValue>): Promise<HttpAnswer>;
  post(route: string, body: unknown): Promise<HttpAnswer>;
  patch(route: string, body: unknown): Promise<HttpAnswer>;
  /** DELETE with a JSON body, as the MLflow client sends it. */
  delete(route: string, body?: unknown): Promise<HttpAnswer>;
  /** An artifact upload: raw bytes, content type guessed by the caller. */
  put(route: string, bytes: Uint8Array | string, contentType?: string): Promise<HttpAnswer>;
  /** Anything else: method, path and body as given, plus the auth header. */
  send(method: string, route: string, init?: { body?: string | Uint8Array; headers?: Record<string, string> }): Promise<HttpAnswer>;
}

/** A client for one server and one set of credentials. */
export function mlflowHttp(baseUrl: string, auth: MlflowAuth): MlflowHttp {
  const send: MlflowHttp['send'] = async (method, route, init = {}) => {
    const response = await fetch(`${baseUrl}${mlflowPath(route)}`, {
      method,
      headers: { ...authorizationHeaders(auth), ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    return answer(response);
  };
  const json = (method: string) => (route: string, body: unknown) => send(method, route, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return {
    baseUrl,
    get: (route, query = {}) => send('GET', `${mlflowPath(route)}${queryString(query)}`),
    post: json('POST'),
    patch: json('PATCH'),
    delete: (route, body) => (body === undefined ? send('DELETE', route) : json('DELETE')(route, body)),
    put: (route, bytes, contentType) => send('PUT', route, { body: bytes, headers: contentType === undefined ? {} : { 'content-type': contentType } }),
    send,
  };
}

/** Asserts MLflow's single error shape: exactly `error_code` and `message`, with the given status and code. */
export function expectMlflowError(reply: HttpAnswer, status: number, errorCode: string): string {
  expect({ status: reply.status, body: reply.json }, reply.text).toMatchObject({ status, body: { error_code: errorCode } });
  expect(reply.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  const body = reply.json as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error_code', 'message']);
  expect(typeof body.message).toBe('string');
  expect(body.message).not.toBe('');
  return body.message as string;
}

/** Asserts a 200 with a JSON object body and returns it. */
export function expectOk<T = Record<string, unknown>>(reply: HttpAnswer): T {
  expect({ status: reply.status, body: reply.json }, reply.text).toMatchObject({ status: 200 });
  expect(typeof reply.json).toBe('object');
  expect(reply.json).not.toBeNull();
  return reply.json as T;
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: unknown;
}

/**
 * One request with `node:http` on a fresh connection, the request target sent exactly as given
 * (no normalisation of `..`, `%2e`, backslashes), Content-Length set when there is a body.
 */
export function rawRequest(baseUrl: string, options: { method: string; path: string; headers?: Record<string, string>; body?: string | Uint8Array }): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? Buffer.from(options.body) : Buffer.from(options.body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent: false,
        host: url.hostname,
        port: url.port,
        method: options.method,
        path: options.path,
        headers: { ...options.headers, ...(body === undefined ? {} : { 'content-length': String(body.length) }) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** The same checks as `expectMlflowError`, for a `rawRequest` answer. */
export function expectRawError(reply: RawAnswer, status: number, errorCode?: string): void {
  expect({ status: reply.status, body: reply.json }, reply.text).toMatchObject({ status, body: errorCode === undefined ? {} : { error_code: errorCode } });
  expect(reply.headers['content-type'] ?? '').toMatch(/^application\/json/);
  const body = reply.json as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error_code', 'message']);
  expect(typeof body.error_code).toBe('string');
  expect(typeof body.message).toBe('string');
}

/**
 * A read-only view of a test server's SQLite file (`<home>/keel.db`), for asserting that a
 * rejected request stored nothing. Keep it open for a file; every call reads the latest commit.
 */
export interface DatabaseProbe {
  /** Row count of every table. */
  counts(): Record<string, number>;
  /** A digest of every row of every table: changes when anything is inserted, updated or deleted. */
  digest(): string;
  close(): void;
}

export function openDatabaseProbe(home: string): DatabaseProbe {
  const db = new Database(path.join(home, 'keel.db'), { readonly: true, fileMustExist: true });
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
  if (tables.length === 0) throw new Error(`no tables in ${home}/keel.db`);
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const countAll = db.prepare(tables.map((name) => `SELECT '${name.replaceAll("'", "''")}' AS name, count(*) AS n FROM ${quote(name)}`).join(' UNION ALL '));
  const everyRow = tables.map((name) => {
    const columns = (db.prepare(`SELECT count(*) AS n FROM pragma_table_info(?)`).get(name) as { n: number }).n;
    const orderBy = Array.from({ length: columns }, (_unused, index) => String(index + 1)).join(', ');
    return { name, statement: db.prepare(`SELECT * FROM ${quote(name)} ORDER BY ${orderBy}`) };
  });
  return {
    counts() {
      const result: Record<string, number> = {};
      for (const row of countAll.all() as { name: string; n: number }[]) result[row.name] = row.n;
      return result;
    },
    digest() {
      const hash = createHash('sha256');
      for (const { name, statement } of everyRow) {
        hash.update(`\u0000${name}\u0000`);
        for (const row of statement.raw().all() as unknown[][]) hash.update(JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)));
      }
      return hash.digest('hex');
    },
    close: () => db.close(),
  };
}

/** Every file and directory under `root` (directories end with '/'), sorted; [] when it does not exist. */
export function listTree(root: string): string[] {
  const walk = (directory: string, prefix: string): string[] => {
    let entries;
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch {
      return [];
    }
    return entries.flatMap((entry) =>
      entry.isDirectory() ? [`${prefix}${entry.name}/`, ...walk(path.join(directory, entry.name), `${prefix}${entry.name}/`)] : [`${prefix}${entry.name}`],
    );
  };
  return walk(root, '').sort();
}
