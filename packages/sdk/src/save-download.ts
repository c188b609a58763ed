import { type FileHandle, mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { KeelApiError } from './keel-api-error.ts';
import type { DownloadedFile } from './runs-api.ts';

/** Writes a download to a local file; a partial or short file is removed, never left behind. */
export async function saveDownload(body: ReadableStream<Uint8Array>, destination: string, total: number | undefined, artifactPath: string): Promise<DownloadedFile> {
  await mkdir(path.dirname(path.resolve(destination)), { recursive: true });
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.byteLength;
      callback(null, chunk);
    },
  });
  let file: FileHandle | undefined;
  try {
    // Opened before the pipeline and closed before any removal: pipeline() can reject while a file
    // stream's own open is still pending, which would create the file after it had been removed.
    file = await open(destination, 'w');
    await pipeline(Readable.fromWeb(body as NodeWebReadableStream<Uint8Array>), count, file.createWriteStream());
    await file.close();
  } catch (error) {
    // A half-written file would pass for the artifact later.
    await file?.close().catch(() => undefined);
    await rm(destination, { force: true });
    throw error;
  }
  if (total !== undefined && size !== total) {
    await rm(destination, { force: true });
    throw new KeelApiError({ code: 'INTERNAL_ERROR', status: 200, message: `Download of '${artifactPath}' ended after ${size} of ${total} bytes` });
  }
  return { path: destination, size };
}
