export type DatabaseLocation =
  | { kind: 'postgres'; connectionString: string }
  | { kind: 'pglite'; dataDir: string | undefined }
  | { kind: 'sqlite'; filename: string };

/** What a database URL names: `postgres://...` / `postgresql://...`, `pglite:` (in memory) or `pglite:<dir>`, or a SQLite file path (optionally `sqlite:<path>`). */
export function parseDatabaseUrl(url: string): DatabaseLocation {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { kind: 'postgres', connectionString: url };
  if (url.startsWith('pglite:')) {
    const dataDir = url.slice('pglite:'.length);
    return { kind: 'pglite', dataDir: dataDir === '' ? undefined : dataDir };
  }
  return { kind: 'sqlite', filename: url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url };
}
