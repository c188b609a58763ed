import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Page, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). KEEL_CHROMIUM overrides. */
export const chromiumPath = process.env.KEEL_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);
export const noChromiumReason = `no Chromium at ${chromiumPath}: apt-get install chromium, or set KEEL_CHROMIUM`;

export const screenshotDir = path.resolve(import.meta.dirname, '../../../test-results/ui');

export interface Browser {
  /** A page in a context of its own: no storage shared with other pages (signed out). */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Headless Chromium; Playwright gives it a fresh, temporary user data dir. The flags keep it from calling out: this machine's
 * network is closed, and background requests would only slow it down.
 */
export async function launchBrowser(options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {}): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  await mkdir(screenshotDir, { recursive: true });
  return {
    async newPage() {
      const context = await browser.newContext({ viewport: { width: options.width ?? 1400, height: options.height ?? 900 }, colorScheme: options.colorScheme ?? 'light' });
      return context.newPage();
    },
    close: async () => {
      await browser.close();
    },
  };
}

/** Saves a screenshot of what the user sees as test-results/ui/<name>.png. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
