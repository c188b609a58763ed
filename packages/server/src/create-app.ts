import { STATUS_CODES } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import { toErrorResponse, toMlflowError } from './http/error-response.ts';
import { lazyChildLoggerFactory } from './http/lazy-child-logger.ts';
import { registerRoutes } from './http/register-routes.ts';
import type { AnyRouteSpec } from './http/route-spec.ts';
import type { AppServices } from './app-services.ts';
import { langfusePromptRoutes } from './langfuse/langfuse-prompt-routes.ts';
import { mlflowRoutes } from './mlflow/mlflow-routes.ts';
import { nativeRoutes } from './native/native-routes.ts';
import { otlpRoutes } from './otlp/otlp-routes.ts';
import { openAiGatewayRoutes, requestIdOf } from './gateway/openai-gateway-routes.ts';
import { toOpenAiError } from './gateway/to-openai-error.ts';
import { systemRoutes } from './system/system-routes.ts';
import { sendWebFile, webRoutes } from './web/web-routes.ts';

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
    childLoggerFactory: lazyChildLoggerFactory,
    bodyLimit: options.maxBodyBytes,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
    // A URL with bad percent-encoding never reaches a route or the error handler.
    frameworkErrors: (error, _request, reply) => {
      const { status, body } = toErrorResponse(error);
      services.metrics.observeError('unmatched', body.error_code);
      void (reply as FastifyReply).status(status).send({ error_code: body.error_code, message: body.message });
    },
    // Requests the HTTP parser refuses (headers or URL too large, garbage) get the same JSON shape.
    clientErrorHandler: (error, socket) => {
      const code = (error as { code?: unknown }).code;
      if (code === 'ECONNRESET' || socket.destroyed) return;
      const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const message = status === 431 ? 'The request headers or URL are too large' : status === 408 ? 'The request took too long to arrive' : 'Malformed HTTP request';
      const body = JSON.stringify({ error_code: 'BAD_REQUEST', message });
      services.metrics.observeError('unmatched', 'BAD_REQUEST');
      if (socket.writable) {
        socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      }
      socket.destroy(error);
    },
  });
  const jsonRoutes: AnyRouteSpec[] = [...systemRoutes(services), ...mlflowRoutes(services), ...nativeRoutes(services), ...langfusePromptRoutes(services), ...otlpRoutes(services), ...openAiGatewayRoutes(services), ...webRoutes(services)];
  const rawRoutes = jsonRoutes.filter((route) => route.rawBody === true);
  const parsedRoutes = jsonRoutes.filter((route) => route.rawBody !== true);

  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error, request, reply) => {
    if (request.routeOptions.config.spec?.api === 'openai') {
      // The gateway's routes answer in OpenAI's error shape, which every OpenAI client reads.
      const answer = toOpenAiError(error);
      services.metrics.observeError(request.routeOptions.url ?? 'unknown', answer.body.error.code ?? answer.body.error.type);
      if (answer.internal) request.log.error({ err: error, route: request.routeOptions.url, method: request.method }, 'request failed');
      if (!request.raw.complete) void reply.header('connection', 'close');
      if (answer.retryAfterSeconds !== null) void reply.header('retry-after', String(answer.retryAfterSeconds));
      return reply.status(answer.status).header('x-request-id', requestIdOf(request)).send(answer.body);
    }
    const response = toErrorResponse(error);
    const route = request.routeOptions.url ?? 'unknown';
    const isMlflow = request.url.startsWith('/api/2.0/');
    const { status, body } = isMlflow ? toMlflowError(response) : response;
    services.metrics.observeError(route, body.error_code);
    if (response.internal) request.log.error({ err: error, route, method: request.method }, 'request failed');
    // Answered before the whole body arrived (an upload over the limit): the rest of it is never
    // read, so the connection could never become idle again. Close it after this answer.
    if (!request.raw.complete) void reply.header('connection', 'close');
    const retryAfter = body.details?.retry_after_seconds;
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    // Deep links into the web UI (/p/default/runs/...) load the app, which routes in the browser.
    const index = services.webUi.index;
    if (index !== undefined && isPageRequest(request.method, request.url, request.headers.accept)) return sendWebFile(request, reply, index);
    services.metrics.observeError('unmatched', 'ENDPOINT_NOT_FOUND');
    return reply.status(404).send({ error_code: 'ENDPOINT_NOT_FOUND', message: `No route for ${request.method} ${request.url.split('?')[0] ?? ''}` });
  });
  // close() waits for every connection to end, and Node keeps a keep-alive connection open after its
  // last answer until keepAliveTimeout (72 s): a client holding one would stall shutdown. So while
  // closing, answers say `Connection: close`, and a connection whose answer went out before the
  // close began is ended once that answer is done.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Callback style: an async hook would cost every answer a promise and its microtask hops before the write.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    if (closing) request.raw.socket?.end();
    const route = request.routeOptions.url ?? 'unmatched';
    services.metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    request.log.debug({ method: request.method, route, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
    done();
  });

  registerRoutes(app, parsedRoutes, services.auth, services.gatewayConfig);
  await app.register(async (scope) => {
    // Artifact bodies are streamed to storage as they are, whatever their content type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    registerRoutes(scope, rawRoutes, services.auth);
  });
  return { app, routes: jsonRoutes };
}

const apiPrefixes = ['/api/', '/v1/', '/ajax-api/', '/metrics', '/health', '/version', '/assets/'];

/** A browser navigating to a page of the web UI, not a client calling an API. */
function isPageRequest(method: string, url: string, accept: string | undefined): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (accept === undefined || !accept.includes('text/html')) return false;
  return !apiPrefixes.some((prefix) => url.startsWith(prefix));
}
