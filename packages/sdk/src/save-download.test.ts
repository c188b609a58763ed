import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slowFileOpens } from '@keel/testing';
import { KeelApiError } from './keel-api-error.ts';
import { saveDownload } from './save-download.ts';

/** A web stream that yields `chunks`, then fails when `failAfter` is set. */
function body(chunks: readonly string[], failAfter = false): ReadableStream<Uint8Array> {
  const queue = chunks.map((chunk) => new TextEncoder().encode(chunk));
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = queue.shift();
      if (next !== undefined) controller.enqueue(next);
      else if (failAfter) controller.error(new Error('connection reset'));
      else controller.close();
    },
  });
}

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'keel-download-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('saveDownload', () => {
  it('writes the body to the file, making its directory, and returns its size', async () => {
    const destination = path.join(directory, 'nested', 'model.bin');
    expect(await saveDownload(body(['hello ', 'world']), destination, 11, 'model.bin')).toEqual({ path: destination, size: 11 });
    expect(readFileSync(destination, 'utf8')).toBe('hello world');
  });

  it('removes the file when the body fails half-way, and when it ends short of its length', async () => {
    const broken = path.join(directory, 'broken.bin');
    await expect(saveDownload(body(['half'], true), broken, 8, 'broken.bin')).rejects.toThrow('connection reset');
    expect(existsSync(broken)).toBe(false);
    const short = path.join(directory, 'short.bin');
    const error = await saveDownload(body(['four']), short, 8, 'short.bin').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KeelApiError);
    expect((error as KeelApiError).message).toBe("Download of 'short.bin' ended after 4 of 8 bytes");
    expect(existsSync(short)).toBe(false);
  });

  // pipeline() can reject before a file stream that opens its own file has done so; the open still
  // pending then created the file after it had been removed. A slow open is made by delaying
  // fs.open, which such a stream calls.
  it('leaves no file behind when the body fails while the file system is slow to open', async () => {
    const restoreOpen = slowFileOpens(50);
    const destination = path.join(directory, 'failed.bin');
    try {
      await expect(saveDownload(body([], true), destination, undefined, 'failed.bin')).rejects.toThrow('connection reset');
      await new Promise((resolve) => setTimeout(resolve, 200)); // past any open still pending
    } finally {
      restoreOpen();
    }
    expect(existsSync(destination)).toBe(false);
  });
});
