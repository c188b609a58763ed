import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slowFileOpens } from '@keel/testing';
import { createLocalArtifactStore } from './local-artifact-store.ts';

/** Paths of this process's open file descriptors (Linux /proc). */
const openPaths = (): string[] => readdirSync('/proc/self/fd').flatMap((fd) => {
  try {
    return [readlinkSync(`/proc/self/fd/${fd}`)];
  } catch {
    return []; // closed between the listing and the read
  }
});

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'keel-artifacts-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('createLocalArtifactStore', () => {
  it('stores a file, lists it, reads it back and deletes it', async () => {
    const store = createLocalArtifactStore(root);
    expect(await store.put('1/run/artifacts/a/b.txt', Readable.from([Buffer.from('hello '), Buffer.from('world')]))).toEqual({ size: 11 });
    expect(readFileSync(path.join(root, '1/run/artifacts/a/b.txt'), 'utf8')).toBe('hello world');
    expect(await store.list('1/run/artifacts/a')).toEqual([{ path: 'b.txt', isDir: false, fileSize: 11 }]);
    const file = await store.get('1/run/artifacts/a/b.txt');
    expect(file?.size).toBe(11);
    expect(await store.delete('1/run/artifacts/a/b.txt')).toBe(true);
    expect(await store.get('1/run/artifacts/a/b.txt')).toBeUndefined();
  });

  // CI once found `.upload-*` left behind after a refused upload: pipeline() can reject before the
  // file stream has opened its file, and an open still pending then created the temporary file after
  // the clean-up had run. A slow open is made here by delaying fs.open, which a file stream calls to
  // open its own file.
  it('an upload refused for size while the file system is slow to open leaves no temporary file behind', async () => {
    const store = createLocalArtifactStore(root);
    mkdirSync(path.join(root, 'run', 'artifacts'), { recursive: true }); // already there: nothing removes it afterwards
    const restoreOpen = slowFileOpens(50);
    const outcome: Array<{ code: unknown; openTemporary: string[] }> = [];
    const server = http.createServer((request, response) => {
      store.put('run/artifacts/huge.bin', request, { maxBytes: 1024 }).then(
        () => outcome.push({ code: 'stored', openTemporary: [] }),
        (error: unknown) => outcome.push({ code: (error as { code?: unknown }).code, openTemporary: openPaths().filter((target) => target.includes('.upload-')) }),
      ).finally(() => response.end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await fetch(`http://127.0.0.1:${port}/`, { method: 'PUT', body: new Uint8Array(256 * 1024) }).then((answer) => answer.arrayBuffer()).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 200)); // past any open still pending
    } finally {
      restoreOpen();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    expect(outcome).toEqual([{ code: 'PAYLOAD_TOO_LARGE', openTemporary: [] }]);
    expect(readdirSync(path.join(root, 'run', 'artifacts'))).toEqual([]);
    expect(openPaths().filter((target) => target.startsWith(root))).toEqual([]);
  });
});
