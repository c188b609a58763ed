import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KeelError, type Principal } from '@keel/spec';
import type { AuthService } from '@keel/core';
import { readCredentials } from './read-credentials.ts';
import type { AnyRouteSpec } from './route-spec.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    spec?: AnyRouteSpec;
  }
}

const anonymous: Principal = { keyId: '', projectId: 0, projectName: '', role: 'read', superuser: false };

async function authenticate(auth: AuthService, spec: AnyRouteSpec, request: FastifyRequest): Promise<Principal> {
  if (spec.access === 'public') return anonymous;
  const project = request.headers['x-keel-project'];
  const principal = await auth.authenticate(readCredentials(request.headers.authorization, spec.api === 'mlflow'), typeof project === 'string' ? project : undefined);
  auth.authorize(principal, spec.access);
  return principal;
}

/**
 * Registers routes declared with `defineRoute`: the key is checked before the body is read, then
 * params, query and body are parsed with the route's zod schemas, then the handler runs.
 */
export function registerRoutes(app: FastifyInstance, specs: readonly AnyRouteSpec[], auth: AuthService): void {
  for (const spec of specs) {
    app.route({
      method: spec.method,
      url: spec.url,
      config: { spec },
      onRequest: async (request) => {
        request.principal = await authenticate(auth, spec, request);
      },
      handler: async (request, reply) => {
        const principal = request.principal ?? anonymous;
        if (!spec.rawBody && spec.body === undefined && spec.method !== 'GET' && request.body !== undefined && request.body !== null && typeof request.body !== 'object') {
          throw new KeelError('BAD_REQUEST', 'This route takes a JSON object body');
        }
        const params: unknown = spec.params === undefined ? request.params : spec.params.parse(request.params);
        const query: unknown = spec.query === undefined ? request.query : spec.query.parse(request.query ?? {});
        const body: unknown = spec.rawBody ? request.body : spec.body === undefined ? undefined : spec.body.parse(request.body ?? {});
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
