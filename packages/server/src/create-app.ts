import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { toErrorResponse, toMlflowError } from './http/error-response.ts';
import { registerRoutes } from './http/register-routes.ts';
import type { AnyRouteSpec } from './http/route-spec.ts';
import type { AppServices } from './app-services.ts';
import { mlflowRoutes } from './mlflow/mlflow-routes.ts';
import { nativeRoutes } from './native/native-routes.ts';
import { systemRoutes } from './system/system-routes.ts';

export interface AppOptions {
  services: AppServices;
  logger: FastifyBaseLogger;
  /** Largest JSON body accepted, in bytes (413 above). */
  maxBodyBytes: number;
}

export interface KeelApp {
  app: FastifyInstance;
  routes: readonly AnyRouteSpec[];
}

/** The HTTP app. Reads no environment: everything comes in through `options`. */
export async function createApp(options: AppOptions): Promise<KeelApp> {
  const { services, logger } = options;
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.maxBodyBytes,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
  });
  const jsonRoutes: AnyRouteSpec[] = [...systemRoutes(services), ...mlflowRoutes(services), ...nativeRoutes(services)];
  const rawRoutes = jsonRoutes.filter((route) => route.rawBody === true);
  const parsedRoutes = jsonRoutes.filter((route) => route.rawBody !== true);

  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error, request, reply) => {
    const response = toErrorResponse(error);
    const route = request.routeOptions.url ?? 'unknown';
    const isMlflow = request.url.startsWith('/api/2.0/');
    const { status, body } = isMlflow ? toMlflowError(response) : response;
    services.metrics.observeError(route, body.error_code);
    if (response.internal) request.log.error({ err: error, route, method: request.method }, 'request failed');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    services.metrics.observeError('unmatched', 'ENDPOINT_NOT_FOUND');
    return reply.status(404).send({ error_code: 'ENDPOINT_NOT_FOUND', message: `No route for ${request.method} ${request.url.split('?')[0] ?? ''}` });
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    services.metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    request.log.debug({ method: request.method, route, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
  });

  registerRoutes(app, parsedRoutes, services.auth);
  await app.register(async (scope) => {
    // Artifact bodies are streamed to storage as they are, whatever their content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    registerRoutes(scope, rawRoutes, services.auth);
  });
  return { app, routes: jsonRoutes };
}
