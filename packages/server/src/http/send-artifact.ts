import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';

const contentTypes: Record<string, string> = {
  json: 'application/json', txt: 'text/plain; charset=utf-8', log: 'text/plain; charset=utf-8', md: 'text/markdown; charset=utf-8', csv: 'text/csv; charset=utf-8',
  yaml: 'text/yaml; charset=utf-8', yml: 'text/yaml; charset=utf-8', html: 'text/plain; charset=utf-8', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'text/plain; charset=utf-8',
};

/** Streams a stored file. HTML and SVG go out as text so that an artifact cannot run script in the UI's origin. */
export function sendArtifact(reply: FastifyReply, path: string, file: { body: Readable; size: number }): FastifyReply {
  const extension = path.split('.').pop()?.toLowerCase() ?? '';
  return reply
    .header('content-type', contentTypes[extension] ?? 'application/octet-stream')
    .header('content-length', String(file.size))
    .header('x-content-type-options', 'nosniff')
    .send(file.body);
}
