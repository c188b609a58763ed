import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface WebFile {
  body: Buffer;
  /** Compressed on first use, then kept: most servers (tests, workers) never serve most files. */
  gzipped(): Buffer;
  contentType: string;
  cacheControl: string;
}

/** The built web UI (dist/web), held in memory, each file gzipped at most once. */
export interface WebUi {
  /** Where it was loaded from; undefined when the UI is not built. */
  dir: string | undefined;
  index: WebFile | undefined;
  asset(name: string): WebFile | undefined;
  assetNames(): string[];
}

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * dist/web next to the bundled `keel` (dist/keel.mjs), or the repository's dist/web when running
 * from source (tests). KEEL_WEB_DIR overrides both.
 */
export function findWebDir(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'web'), path.resolve(here, '../../../../dist/web')];
  return candidates.find((candidate) => existsSync(path.join(candidate, 'index.html')));
}

const toFile = (body: Buffer, name: string, cacheControl: string): WebFile => {
  let gzipped: Buffer | undefined;
  return {
    body,
    gzipped: () => (gzipped ??= gzipSync(body, { level: 9 })),
    contentType: contentTypes[path.extname(name)] ?? 'application/octet-stream',
    cacheControl,
  };
};

export async function loadWebUi(dir: string | undefined): Promise<WebUi> {
  if (dir === undefined || !existsSync(path.join(dir, 'index.html'))) return { dir: undefined, index: undefined, asset: () => undefined, assetNames: () => [] };
  const assets = new Map<string, WebFile>();
  const assetDir = path.join(dir, 'assets');
  const names = existsSync(assetDir) ? await readdir(assetDir) : [];
  for (const name of names) {
    // File names carry a content hash, so a browser may keep them for good.
    assets.set(name, toFile(await readFile(path.join(assetDir, name)), name, 'public, max-age=31536000, immutable'));
  }
  const index = toFile(await readFile(path.join(dir, 'index.html')), 'index.html', 'no-cache');
  return { dir, index, asset: (name) => assets.get(name), assetNames: () => [...assets.keys()] };
}
