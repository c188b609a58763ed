import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Where a worker thread's entry is, for a module at `moduleUrl` that starts it. Bundled
 * (dist/keel.mjs), scripts/build.mjs writes each entry beside the bundle as
 * `<bundle name>-<name>.mjs`, so that private builds in one folder never share one; from source
 * (vitest, tsx), `<name>-from-source.mjs` beside the module registers tsx's loader inside the
 * thread (a worker's --import does not reach its entry on Node 20) and imports the .ts entry.
 */
export function workerScript(moduleUrl: string, name: string): URL {
  if (moduleUrl.endsWith('.ts')) return new URL(`./${name}-from-source.mjs`, moduleUrl);
  const bundle = fileURLToPath(moduleUrl);
  return pathToFileURL(path.join(path.dirname(bundle), `${path.basename(bundle, path.extname(bundle))}-${name}.mjs`));
}

/** False for SQLite databases that a second connection cannot open: in memory, or temporary (''). */
export function isSharedSqliteFile(filename: string): boolean {
  return filename !== '' && filename !== ':memory:' && !filename.includes('mode=memory');
}
