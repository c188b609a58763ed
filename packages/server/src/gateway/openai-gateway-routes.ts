import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { chatCompletionRequestSchema, embeddingsRequestSchema, isCommonChatRequest, type Principal } from '@keel/spec';
import { type CallSignal, createCallAbort, type GatewayCallContext, type GatewayCaller, type GatewayService, randomHex } from '@keel/core';
import { type AnyRouteSpec, defineRoute } from '../http/route-spec.ts';
import { toOpenAiError } from './to-openai-error.ts';

function callerOf(principal: Principal): GatewayCaller {
  return { projectId: principal.projectId, keyName: principal.gatewayKey ?? null };
}

/** A request id for every answer (errors included: the error handler reuses it). */
export function requestIdOf(request: FastifyRequest): string {
  request.gatewayRequestId ??= `req_${randomHex(12)}`;
  return request.gatewayRequestId;
}

declare module 'fastify' {
  interface FastifyRequest {
    gatewayRequestId?: string;
  }
}

/** Per-call context; the signal aborts when the client goes away before the answer is sent. */
function contextOf(request: FastifyRequest, reply: FastifyReply): GatewayCallContext {
  const controller = createCallAbort();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('client went away'));
  });
  const cacheControl = request.headers['cache-control'];
  const traceparent = request.headers.traceparent;
  return {
    signal: controller.signal,
    requestId: requestIdOf(request),
    noStore: typeof cacheControl === 'string' && /(^|,)\s*no-store\s*(,|$)/i.test(cacheControl),
    traceparent: typeof traceparent === 'string' ? traceparent : undefined,
  };
}

/** Waits for the socket to take more, or for the client to go away. */
async function drained(raw: ServerResponse, signal: CallSignal): Promise<void> {
  if (signal.aborted) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      raw.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    raw.once('drain', done);
    signal.addEventListener('abort', done);
  });
}

async function sendStream(reply: FastifyReply, headers: Record<string, string>, events: AsyncGenerator<string, void, undefined>, signal: CallSignal): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  // Headers go out at once, so proxies and clients see the stream start before the first token.
  raw.flushHeaders();
  try {
    for await (const event of events) {
      if (signal.aborted) break;
      if (!raw.write(`data: ${event}\n\n`)) await drained(raw, signal);
    }
    if (!signal.aborted) raw.write('data: [DONE]\n\n');
  } catch (error) {
    // The status line is gone; OpenAI clients read an `error` object in the stream as the failure.
    if (!signal.aborted) raw.write(`data: ${JSON.stringify(toOpenAiError(error).body)}\n\n`);
  } finally {
    await events.return(undefined);
    raw.end();
  }
}

/** The OpenAI-compatible gateway: chat completions (plain and SSE), embeddings, models. */
export function openAiGatewayRoutes(services: { gateway: GatewayService }): AnyRouteSpec[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/v1/chat/completions',
      access: 'write',
      api: 'openai',
      summary: 'OpenAI chat completions through the gateway: routing, fallbacks, caching, limits, tracing',
      body: chatCompletionRequestSchema,
      acceptsBody: isCommonChatRequest,
      handler: async ({ principal, body, request, reply }) => {
        const context = contextOf(request, reply);
        const answer = await services.gateway.chat(callerOf(principal), body, context);
        if (answer.stream) {
          await sendStream(reply, answer.headers, answer.events, context.signal);
          return undefined;
        }
        return reply.headers(answer.headers).type('application/json; charset=utf-8').send(answer.body);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/embeddings',
      access: 'write',
      api: 'openai',
      summary: 'OpenAI embeddings through the gateway',
      body: embeddingsRequestSchema,
      handler: async ({ principal, body, request, reply }) => {
        const context = contextOf(request, reply);
        const answer = await services.gateway.embeddings(callerOf(principal), body, context);
        return reply.headers(answer.headers).send(answer.body);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/models',
      access: 'read',
      api: 'openai',
      summary: 'The virtual models this key may call',
      handler: async ({ principal, request, reply }) => {
        const models = await services.gateway.listModels(callerOf(principal));
        void reply.header('x-request-id', requestIdOf(request));
        return { object: 'list', data: models.map((model) => ({ id: model.id, object: 'model', created: 0, owned_by: 'keel' })) };
      },
    }),
  ];
}
