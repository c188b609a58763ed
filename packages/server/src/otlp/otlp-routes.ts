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

interface HandedOver {
  written: Promise<void>;
  accepted: number;
  rejected: OtlpDecodeResult['rejected'];
}

/**
 * Decodes a body and hands its spans to `ingest`, keeping only their count and the rejections. A
 * function of its own so that the route handler, while it waits for the spans to be durable, holds
 * no reference to them: rows kept alive that long were copied by every young-generation GC meanwhile.
 */
function decodeAndHandOver(
  compressed: Buffer, contentEncoding: string | undefined, encoding: Encoding, limits: { maxOtlpBytes: number; maxSpansPerRequest: number },
  ingest: (spans: OtlpDecodeResult['spans']) => Promise<void>,
): HandedOver {
  const bytes = decompress(compressed, contentEncoding, limits.maxOtlpBytes);
  const options = { nowMs: Date.now(), maxSpans: limits.maxSpansPerRequest };
  const decoded: OtlpDecodeResult = encoding === 'protobuf' ? decodeOtlpProtobuf(bytes, options) : decodeOtlpJson(parseJson(bytes), options);
  return { written: ingest(decoded.spans), accepted: decoded.spans.length, rejected: decoded.rejected };
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
        const handed = decodeAndHandOver(compressed, request.headers['content-encoding'], encoding, { maxOtlpBytes, maxSpansPerRequest }, (spans) => traceIngest.ingest(principal.projectId, spans));
        await handed.written;
        metrics.ingested('spans', handed.accepted);
        metrics.ingested('rejected_spans', handed.rejected.length);
        if (encoding === 'protobuf') return reply.status(200).header('content-type', 'application/x-protobuf').send(otlpProtobufResponse(handed.rejected));
        return reply.status(200).send(otlpJsonResponse(handed.rejected));
      },
    }),
  );
}
