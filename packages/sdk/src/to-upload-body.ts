import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { BodyFactory } from './create-transport.ts';

/** What can be uploaded: bytes in memory, a stream, or a string naming a local file (streamed, never read whole). */
export type ArtifactSource = Uint8Array | Readable | string;

export interface TransferProgress {
  bytes: number;
  /** Unknown for a caller's stream or a download without Content-Length. */
  total: number | undefined;
}

export type ProgressListener = (progress: TransferProgress) => void;

export interface UploadBody {
  factory: BodyFactory;
  /** A caller's stream can be read once, so such an upload is not retried. */
  replayable: boolean;
  total: number | undefined;
}

const chunkBytes = 256 * 1024;
const contentType = 'application/octet-stream';

async function* slices(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += chunkBytes) yield bytes.subarray(offset, offset + chunkBytes);
}

async function* counted(source: AsyncIterable<Uint8Array | string>, total: number | undefined, onProgress: ProgressListener | undefined): AsyncGenerator<Uint8Array> {
  let bytes = 0;
  onProgress?.({ bytes, total });
  for await (const chunk of source) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += data.byteLength;
    onProgress?.({ bytes, total });
    yield data;
  }
}

const asWebStream = (source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> => Readable.toWeb(Readable.from(source)) as ReadableStream<Uint8Array>;

/** Turns an artifact source into a request body, counting bytes as they are sent when asked to. */
export async function toUploadBody(source: ArtifactSource, onProgress: ProgressListener | undefined): Promise<UploadBody> {
  if (typeof source === 'string') {
    // Stat first: a missing file is the caller's error, not a network failure worth retrying.
    const info = await stat(source);
    if (!info.isFile()) throw new Error(`${source} is not a file`);
    return {
      factory: async () => ({ body: asWebStream(counted(createReadStream(source, { highWaterMark: chunkBytes }), info.size, onProgress)), contentType }),
      replayable: true,
      total: info.size,
    };
  }
  if (source instanceof Uint8Array) {
    const bytes = source;
    return {
      factory: async () => (onProgress === undefined ? { body: bytes as Uint8Array<ArrayBuffer>, contentType } : { body: asWebStream(counted(slices(bytes), bytes.byteLength, onProgress)), contentType }),
      replayable: true,
      total: bytes.byteLength,
    };
  }
  return { factory: async () => ({ body: asWebStream(counted(source, undefined, onProgress)), contentType }), replayable: false, total: undefined };
}
