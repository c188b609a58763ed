import type { Readable } from 'node:stream';
import { gunzipSync, inflateSync } from 'node:zlib';
import { KeelError, type OtlpDecodeResult } from '@keel/spec';
import { decodeOtlpJson, decodeOtlpProtobuf } from '@keel/core';
import type { AppServices } from '../app-services.ts';
import { type AnyRouteSpec, defineRoute } from '../http/route-spec.ts';
import { otlpJsonResponse, otlpProtobufResponse } from './encode-otlp-response.ts';
import { readBodyBytes } from './read-body-bytes.ts';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Where OTLP/HTTP exporters send traces: the standard path, and Langfuse's, so apps switch by changing host and key. */
export const otlpTracePaths = ['/v1/traces', '/api/public/otel/v1/traces'] as const;

type Encoding = 'protobuf' | 'json';

function readEncoding(contentType: string | undefined): Encoding {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (media === 'application/x-protobuf' || media === 'application/protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  throw new KeelError('UNSUPPORTED_MEDIA_TYPE', `OTLP/HTTP takes application/x-protobuf or application/json, not '${media || '(none)'}'`);
}

function decompress(bytes: Buffer, contentEncoding: string | undefined, maxBytes: number): Buffer {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return bytes;
  try {
    if (encoding === 'gzip') return gunzipSync(bytes, { maxOutputLength: maxBytes });
    if (encoding === 'deflate') return inflateSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw new KeelError('PAYLOAD_TOO_LARGE', `The decompressed body is larger than ${maxBytes} bytes; send smaller batches`);
    throw new KeelError('BAD_REQUEST', `The body is not valid ${encoding} data`);
  }
  throw new KeelError('UNSUPPORTED_MEDIA_TYPE', `Content-Encoding '${encoding}' is not supported; use gzip or none`);
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new KeelError('BAD_REQUEST', `Malformed JSON: ${(error as Error).message}`);
  }
}

export function otlpRoutes({ traceIngest, maxOtlpBytes, maxSpansPerRequest, metrics }: AppServices): AnyRouteSpec[] {
  return otlpTracePaths.map((url) =>
    defineRoute({
      method: 'POST', url, access: 'write', api: 'otlp', rawBody: true,
      summary: 'OTLP/HTTP trace export (protobuf or JSON, optionally gzip); answered once the spans are durable',
      handler: async ({ principal, body, request, reply }) => {
        const encoding = readEncoding(request.headers['content-type']);
        const release = traceIngest.admit();
        reply.raw.once('close', release);
        const compressed = await readBodyBytes(body as Readable, maxOtlpBytes);
        // Node drains promise callbacks after each socket event, so without this turn of the event loop
        // a request would be decoded and written before the next socket is even read: requests
        // waiting in socket buffers would be invisible to admission, and no two could share a write.
        await nextTurn();
        const bytes = decompress(compressed, request.headers['content-encoding'], maxOtlpBytes);
        const options = { nowMs: Date.now(), maxSpans: maxSpansPerRequest };
        const decoded: OtlpDecodeResult = encoding === 'protobuf' ? decodeOtlpProtobuf(bytes, options) : decodeOtlpJson(parseJson(bytes), options);
        await traceIngest.ingest(principal.projectId, decoded.spans);
        metrics.ingested('spans', decoded.spans.length);
        metrics.ingested('rejected_spans', decoded.rejected.length);
        if (encoding === 'protobuf') return reply.status(200).header('content-type', 'application/x-protobuf').send(otlpProtobufResponse(decoded.rejected));
        return reply.status(200).send(otlpJsonResponse(decoded.rejected));
      },
    }),
  );
}
