import { createHash } from 'node:crypto';
import { type Dirent, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** Every row of every table of an embedded Keel database, and every file under its artifact root. */
export interface KeelHomeSnapshot {
  /** Table name -> its rows. The same object as the previous snapshot's when nothing was committed since. */
  tables: Record<string, unknown[]>;
  /** Artifact path (relative to the artifact root) -> sha256 of its bytes. */
  files: Record<string, string>;
}

export interface KeelHomeProbe {
  snapshot(): KeelHomeSnapshot;
  close(): void;
}

/**
 * A read-only second connection to the SQLite database of a `keel server` under `home` (WAL lets it
 * read while the server writes). Two snapshots compare equal with `toEqual` exactly when nothing
 * was stored in between. The tables are re-read only when `PRAGMA data_version` says another
 * connection committed since the last snapshot, which keeps route walks with hundreds of snapshots fast.
 */
export function openKeelHomeProbe(home: string, options: { artifactRoot?: string } = {}): KeelHomeProbe {
  const db = new Database(path.join(home, 'keel.db'), { readonly: true, fileMustExist: true });
  const root = options.artifactRoot ?? path.join(home, 'artifacts');
  let cached: { version: number; tables: Record<string, unknown[]> } | undefined;

  const readTables = (): Record<string, unknown[]> => {
    const version = Number(db.pragma('data_version', { simple: true }));
    if (cached !== undefined && cached.version === version) return cached.tables;
    const tables: Record<string, unknown[]> = {};
    const read = db.transaction(() => {
      const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
      for (const { name } of names) {
        const columns = (db.prepare(`PRAGMA table_info("${name}")`).all() as unknown[]).length;
        const order = Array.from({ length: columns }, (_unused, index) => String(index + 1)).join(', ');
        tables[name] = db.prepare(`SELECT * FROM "${name}" ORDER BY ${order}`).all();
      }
    });
    read();
    cached = { version, tables };
    return tables;
  };

  // Synchronous on purpose: a few hundred small files read one by one through the thread pool take
  // tens of milliseconds per snapshot.
  const readFiles = (): Record<string, string> => {
    const files: Record<string, string> = {};
    let entries: Dirent[];
    try {
      entries = readdirSync(root, { recursive: true, withFileTypes: true });
    } catch {
      entries = [];
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const full = path.join(entry.parentPath, entry.name);
      files[path.relative(root, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
    return files;
  };

  return {
    snapshot: () => ({ tables: readTables(), files: readFiles() }),
    close: () => db.close(),
  };
}

/** One snapshot of the whole state of the `keel server` under `home` (see `openKeelHomeProbe`). */
export function snapshotKeelHome(home: string, options: { artifactRoot?: string } = {}): KeelHomeSnapshot {
  const probe = openKeelHomeProbe(home, options);
  try {
    return probe.snapshot();
  } finally {
    probe.close();
  }
}
