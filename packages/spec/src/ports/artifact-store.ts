import type { Readable } from 'node:stream';

export interface ArtifactEntry {
  /** Relative to the listed directory. */
  path: string;
  isDir: boolean;
  fileSize: number | undefined;
}

/**
 * Blob storage for artifacts. Keys are already normalised, relative, '/'-separated paths with no
 * '..' segments (see core's `normalizeArtifactPath`); implementations check confinement again.
 */
export interface ArtifactStore {
  put(key: string, body: Readable, options?: { maxBytes?: number }): Promise<{ size: number }>;
  /** undefined when there is no file at `key`. */
  get(key: string): Promise<{ body: Readable; size: number } | undefined>;
  /** Direct children of the directory `key` ('' for the root). */
  list(key: string): Promise<ArtifactEntry[]>;
  /** Removes a file or a whole directory; true when something was there. */
  delete(key: string): Promise<boolean>;
}
