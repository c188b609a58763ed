import type { Readable } from 'node:stream';
import { KeelError } from '@keel/spec';

/** Reads a streamed request body into one buffer, refusing (413) once it passes `maxBytes`. */
export async function readBodyBytes(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > maxBytes) {
      body.destroy();
      throw new KeelError('PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBytes} bytes; send smaller batches`);
    }
    chunks.push(bytes);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}
