import type { FastifyReply, FastifyRequest } from 'fastify';
import { KeelError } from '@keel/spec';
import { z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';
import type { WebFile } from './load-web-ui.ts';

export function sendWebFile(request: FastifyRequest, reply: FastifyReply, file: WebFile): FastifyReply {
  const gzip = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
  void reply.type(file.contentType).header('cache-control', file.cacheControl).header('x-content-type-options', 'nosniff').header('vary', 'accept-encoding');
  for (const [name, value] of Object.entries(file.headers)) void reply.header(name, value);
  if (gzip) void reply.header('content-encoding', 'gzip');
  return reply.send(gzip ? file.gzipped() : file.body);
}

const notBuilt = () => new KeelError('ENDPOINT_NOT_FOUND', 'The web UI is not built: run `npm run build` (npm install does it), or set KEEL_WEB_DIR');

/** The web UI's files. Deep links (/p/...) get index.html from the not-found handler. */
export function webRoutes({ webUi }: AppServices) {
  return [
    defineRoute({
      method: 'GET', url: '/', access: 'public', api: 'system', summary: 'The web UI',
      handler: async ({ request, reply }) => {
        if (webUi.index === undefined) throw notBuilt();
        return sendWebFile(request, reply, webUi.index);
      },
    }),
    defineRoute({
      method: 'GET', url: '/assets/:file', access: 'public', api: 'system', summary: 'A file of the web UI',
      params: z.object({ file: z.string() }),
      handler: async ({ request, reply, params }) => {
        const file = webUi.asset(params.file);
        if (file === undefined) throw new KeelError('RESOURCE_DOES_NOT_EXIST', `No web UI file named '${params.file}'`);
        return sendWebFile(request, reply, file);
      },
    }),
  ];
}
