import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineScriptHashes, loadWebUi } from './load-web-ui.ts';

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('the web UI files', () => {
  let dir: string;
  const early = 'window.early = "é";';
  const html = `<!doctype html><html><head><script>${early}</script><script type="module" crossorigin src="/assets/index-1.js"></script><script>\nother()\n</script></head><body></body></html>`;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'keel-web-ui-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), html);
    await writeFile(path.join(dir, 'assets', 'index-1.js'), 'export {};');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('hashes each inline script, exactly as written, and not scripts loaded by src', () => {
    expect(inlineScriptHashes(html)).toEqual([sha256(early), sha256('\nother()\n')]);
    expect(inlineScriptHashes('<script src="/a.js"></script>')).toEqual([]);
  });

  it('serves index.html with a policy that allows its own inline scripts and nothing else inline', async () => {
    const ui = await loadWebUi(dir);
    const policy = ui.index?.headers['content-security-policy'] ?? '';
    const scriptSources = /script-src ([^;]*)/.exec(policy)?.[1]?.split(' ');
    expect(scriptSources).toEqual(["'self'", sha256(early), sha256('\nother()\n')]);
    expect(policy).toContain("default-src 'self'");
    expect(ui.index?.headers['referrer-policy']).toBe('no-referrer');
    expect(ui.asset('index-1.js')?.headers).toEqual({});
  });
});
