import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KeelError, type Principal } from '@keel/spec';
import { apiKeyPrefix, type AuthService, type VirtualKeyAuthenticator } from '@keel/core';
import { readCredentials } from './read-credentials.ts';
import type { z } from 'zod';
import type { AnyRouteSpec } from './route-spec.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    spec?: AnyRouteSpec;
  }
}

/** APIs whose clients send the key as a Basic password (MLflow's username/password, OTLP exporters set up for Langfuse). */
const basicAuthApis: ReadonlySet<string> = new Set(['mlflow', 'otlp', 'langfuse']);

const anonymous: Principal = { keyId: '', projectId: 0, projectName: '', role: 'read', superuser: false };

async function authenticate(auth: AuthService, spec: AnyRouteSpec, request: FastifyRequest, virtualKeys: VirtualKeyAuthenticator | undefined): Promise<Principal> {
  if (spec.access === 'public') return anonymous;
  const project = request.headers['x-keel-project'];
  const secret = readCredentials(request.headers.authorization, basicAuthApis.has(spec.api));
  // The gateway's OpenAI routes also take virtual keys; every other route only project API keys.
  if (spec.api === 'openai' && virtualKeys !== undefined && secret !== undefined && !secret.startsWith(apiKeyPrefix)) {
    const key = await virtualKeys.authenticate(secret);
    if (key === null) throw new KeelError('UNAUTHENTICATED', 'Invalid API key', { details: { openai_code: 'invalid_api_key' } });
    return { keyId: `vk:${key.keyName}`, projectId: key.projectId, projectName: key.projectName, role: 'write', superuser: false, gatewayKey: key.keyName };
  }
  const principal = await auth.authenticate(secret, typeof project === 'string' ? project : undefined);
  auth.authorize(principal, spec.access);
  return principal;
}

/**
 * MLflow's server refuses a POST whose Content-Type is not application/json (`_validate_content_type`
 * in mlflow/server/handlers.py) with 400 INVALID_PARAMETER_VALUE; without this a POST with no body
 * and no Content-Type would be taken as `{}` (and `runs/create` would make a run).
 */
function requireJsonContentType(request: FastifyRequest): void {
  const header = request.headers['content-type'];
  if (header === undefined || header.trim() === '') throw new KeelError('INVALID_PARAMETER_VALUE', 'Bad Request. Content-Type header is missing; send application/json.');
  const media = (header.split(';')[0] ?? '').trim().toLowerCase();
  if (media !== 'application/json') throw new KeelError('INVALID_PARAMETER_VALUE', `Bad Request. Content-Type must be application/json, not '${media}'.`);
}

function parseBody(schema: z.ZodType, acceptsBody: AnyRouteSpec['acceptsBody'], value: unknown): unknown {
  return acceptsBody?.(value) === true ? value : schema.parse(value);
}

/**
 * Registers routes declared with `defineRoute`: the key is checked before the body is read, then
 * params, query and body are parsed with the route's zod schemas, then the handler runs.
 */
export function registerRoutes(app: FastifyInstance, specs: readonly AnyRouteSpec[], auth: AuthService, virtualKeys?: VirtualKeyAuthenticator): void {
  for (const spec of specs) {
    app.route({
      method: spec.method,
      url: spec.url,
      config: { spec },
      onRequest: async (request) => {
        request.principal = await authenticate(auth, spec, request, virtualKeys);
        if (spec.api === 'mlflow' && spec.method === 'POST' && spec.rawBody !== true) requireJsonContentType(request);
      },
      handler: async (request, reply) => {
        const principal = request.principal ?? anonymous;
        if (!spec.rawBody && spec.body === undefined && spec.method !== 'GET' && request.body !== undefined && request.body !== null && typeof request.body !== 'object') {
          throw new KeelError('BAD_REQUEST', 'This route takes a JSON object body');
        }
        const params: unknown = spec.params === undefined ? request.params : spec.params.parse(request.params);
        const query: unknown = spec.query === undefined ? request.query : spec.query.parse(request.query ?? {});
        // An upload with no body (an empty file, Content-Length: 0) never reaches a content parser.
        if (spec.rawBody === true && (request.body === undefined || request.body === null)) request.body = Readable.from([]);
        const body: unknown = spec.rawBody ? request.body : spec.body === undefined ? undefined : parseBody(spec.body, spec.acceptsBody, request.body ?? {});
        const result = await spec.handler({ principal, body, query, params, request, reply });
        if (result !== undefined && !reply.sent) return reply.send(result);
        return reply;
      },
    });
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
