// Test support, not exported: a stand-in for Keel's /v1/traces that decodes what the SDK posts with
// Keel's own OTLP decoders, so the tests check the bytes the server will read.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeOtlpJson, decodeOtlpProtobuf } from '@keel/core';
import type { OtlpSpan } from '@keel/spec';

export interface CapturedRequest {
  headers: Record<string, string | string[] | undefined>;
  status: number;
  spans: OtlpSpan[];
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface OtlpCaptureServer {
  url: string;
  /** Every request, answered or not. */
  requests: CapturedRequest[];
  /** Spans of the requests answered 200. */
  spans(): OtlpSpan[];
  /** The next requests get these answers, in order; then 200 `{}` again. */
  answerNext(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

export async function startOtlpCaptureServer(): Promise<OtlpCaptureServer> {
  const requests: CapturedRequest[] = [];
  const scripted: ScriptedAnswer[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const options = { nowMs: Date.now() };
      const decoded = request.headers['content-type'] === 'application/x-protobuf' ? decodeOtlpProtobuf(new Uint8Array(body), options) : decodeOtlpJson(JSON.parse(body.toString('utf8')), options);
      const answer = scripted.shift() ?? { status: 200, body: '{}' };
      requests.push({ headers: request.headers, status: answer.status, spans: decoded.spans });
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body ?? '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    spans: () => requests.filter((request) => request.status === 200).flatMap((request) => request.spans),
    answerNext: (...answers) => {
      scripted.push(...answers);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
