import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, Role } from '@keel/spec';
import type { z } from 'zod';

/** Who may call a route: nobody needs a key for 'public'; 'superuser' is the instance administrator. */
export type RouteAccess = Role | 'public' | 'superuser';
export type RouteApi = 'mlflow' | 'native' | 'system' | 'otlp' | 'langfuse' | 'openai';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext<Body, Query, Params> {
  principal: Principal;
  body: Body;
  query: Query;
  params: Params;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One HTTP route: its access rule, its zod schemas and its handler. Every route of the server is
 * declared this way, so authentication, validation and the OpenAPI document cannot be skipped.
 */
export interface RouteSpec<Body = unknown, Query = unknown, Params = unknown> {
  method: HttpMethod;
  url: string;
  access: RouteAccess;
  api: RouteApi;
  summary: string;
  body?: z.ZodType<Body>;
  /**
   * A fast check for the body's common shapes, no looser than `body`, whose parse must return an
   * accepted value unchanged: when it says yes the value is used as it is and `body` is skipped.
   */
  acceptsBody?: (value: unknown) => value is Body;
  query?: z.ZodType<Query>;
  params?: z.ZodType<Params>;
  response?: z.ZodType;
  /** The body is streamed to the handler untouched (artifact uploads). */
  rawBody?: boolean;
  /** Answer value is sent as JSON; undefined means the handler has sent the reply itself. */
  handler: (context: RouteContext<Body, Query, Params>) => Promise<unknown>;
}

// A list of routes has varied type parameters; the handler is only ever called with parsed values.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteSpec = RouteSpec<any, any, any>;

export function defineRoute<Body = undefined, Query = undefined, Params = undefined>(spec: RouteSpec<Body, Query, Params>): RouteSpec<Body, Query, Params> {
  return spec;
}
