import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ArtifactStore, KeelError } from '@keel/spec';

/** A file where a directory is needed on the way, a directory where the file goes, or a name too long: the caller's path is wrong. */
function pathConflict(error: unknown, key: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST' || code === 'ENOTEMPTY') {
    return new KeelError('INVALID_PARAMETER_VALUE', `Artifact path '${key}' runs through an existing file or names an existing directory`, { cause: error });
  }
  if (code === 'ENAMETOOLONG') return new KeelError('INVALID_PARAMETER_VALUE', `Artifact path '${key.slice(0, 200)}...' has a name longer than the file system allows`, { cause: error });
  return error;
}

/** The deepest of `directory` and its parents that exists (as anything). */
async function deepestExisting(directory: string): Promise<string> {
  let current = directory;
  while ((await stat(current).catch(() => undefined)) === undefined) {
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}

/**
 * Removes the directories a failed upload created (those below `existing`), deepest first,
 * stopping at the first that is not empty (another upload may have put a file there meanwhile).
 */
async function removeCreatedDirectories(deepest: string, existing: string): Promise<void> {
  for (let directory = deepest; directory.startsWith(existing + path.sep); directory = path.dirname(directory)) {
    try {
      await rmdir(directory);
    } catch (error) {
      // Not made (the failure came first) is fine; not empty means another upload uses it.
      const code = (error as { code?: unknown }).code;
      if (code !== 'ENOENT' && code !== 'ENAMETOOLONG') return;
    }
  }
}

/** Artifacts as files under one root directory. Writes go to a temporary file that is renamed into place. */
export function createLocalArtifactStore(root: string): ArtifactStore {
  const absoluteRoot = path.resolve(root);
  const resolve = (key: string): string => {
    const target = path.resolve(absoluteRoot, key);
    if (target !== absoluteRoot && !target.startsWith(absoluteRoot + path.sep)) {
      throw new KeelError('INVALID_PARAMETER_VALUE', `Artifact path '${key}' escapes its root`);
    }
    return target;
  };
  return {
    async put(key, body, options = {}) {
      const target = resolve(key);
      const directory = path.dirname(target);
      const existing = await deepestExisting(directory);
      const temporary = path.join(directory, `.upload-${randomUUID()}`);
      let size = 0;
      const limit = options.maxBytes ?? Number.POSITIVE_INFINITY;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          if (size > limit) callback(new KeelError('PAYLOAD_TOO_LARGE', `Artifact is larger than the limit of ${limit} bytes`));
          else callback(null, chunk);
        },
      });
      let file: FileHandle | undefined;
      try {
        await mkdir(directory, { recursive: true });
        // Opened here, not by the stream: pipeline() can reject before its last stream has opened or
        // closed its file, and an open still pending would create the temporary file after its removal.
        file = await open(temporary, 'wx');
        await pipeline(body, counter, file.createWriteStream());
        await file.close();
        await rename(temporary, target);
      } catch (error) {
        // Nothing of a failed upload stays behind: no temporary file, no directory made for it.
        // close() settles once the stream's writes in flight have and the descriptor is closed.
        await file?.close().catch(() => undefined);
        await rm(temporary, { force: true }).catch(() => undefined);
        await removeCreatedDirectories(directory, existing);
        throw pathConflict(error, key);
      }
      return { size };
    },
    async get(key) {
      const target = resolve(key);
      const info = await stat(target).catch(() => undefined);
      if (info === undefined || !info.isFile()) return undefined;
      return { body: createReadStream(target) as Readable, size: info.size };
    },
    async list(key) {
      const target = resolve(key);
      const entries = await readdir(target, { withFileTypes: true }).catch(() => []);
      const visible = entries.filter((entry) => !entry.name.startsWith('.upload-')).sort((a, b) => a.name.localeCompare(b.name));
      return Promise.all(
        visible.map(async (entry) => ({
          path: entry.name,
          isDir: entry.isDirectory(),
          fileSize: entry.isDirectory() ? undefined : (await stat(path.join(target, entry.name))).size,
        })),
      );
    },
    async delete(key) {
      const target = resolve(key);
      if (target === absoluteRoot) throw new KeelError('INVALID_PARAMETER_VALUE', 'Refusing to delete the artifact root');
      const exists = await stat(target).catch(() => undefined);
      if (exists === undefined) return false;
      await rm(target, { recursive: true, force: true });
      return true;
    },
  };
}
