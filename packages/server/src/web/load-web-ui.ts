import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface WebFile {
  body: Buffer;
  /** Compressed on first use, then kept: most servers (tests, workers) never serve most files. */
  gzipped(): Buffer;
  contentType: string;
  cacheControl: string;
  /** More headers to send with it (index.html: its Content-Security-Policy). */
  headers: Record<string, string>;
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

const toFile = (body: Buffer, name: string, cacheControl: string, headers: Record<string, string> = {}): WebFile => {
  let gzipped: Buffer | undefined;
  return {
    body,
    gzipped: () => (gzipped ??= gzipSync(body, { level: 9 })),
    contentType: contentTypes[path.extname(name)] ?? 'application/octet-stream',
    cacheControl,
    headers,
  };
};

/** The CSP source of each inline script (`<script>` without src) in `html`: 'sha256-<base64>'. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const [, attributes = '', code = ''] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/i.test(attributes)) continue;
    hashes.push(`'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`);
  }
  return hashes;
}

/**
 * The UI talks only to its own origin; its scripts are its files and the inline scripts of
 * index.html by hash (the early-requests script); uPlot sets inline styles; artifact previews are
 * blob: URLs.
 */
export function webContentSecurityPolicy(html: string): string {
  const scripts = ["'self'", ...inlineScriptHashes(html)].join(' ');
  return `default-src 'self'; script-src ${scripts}; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'`;
}

export async function loadWebUi(dir: string | undefined): Promise<WebUi> {
  if (dir === undefined || !existsSync(path.join(dir, 'index.html'))) return { dir: undefined, index: undefined, asset: () => undefined, assetNames: () => [] };
  const assets = new Map<string, WebFile>();
  const assetDir = path.join(dir, 'assets');
  const names = existsSync(assetDir) ? await readdir(assetDir) : [];
  for (const name of names) {
    // File names carry a content hash, so a browser may keep them for good.
    assets.set(name, toFile(await readFile(path.join(assetDir, name)), name, 'public, max-age=31536000, immutable'));
  }
  const html = await readFile(path.join(dir, 'index.html'));
  const index = toFile(html, 'index.html', 'no-cache', { 'content-security-policy': webContentSecurityPolicy(html.toString('utf8')), 'referrer-policy': 'no-referrer' });
  return { dir, index, asset: (name) => assets.get(name), assetNames: () => [...assets.keys()] };
}
