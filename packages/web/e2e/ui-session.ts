import type { Page } from 'playwright-core';

/** Signs the page in by storing an API key as the sign-in form would, without going through it. */
export async function signInWithKey(page: Page, baseUrl: string, apiKey: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.evaluate(`window.localStorage.setItem('keel.apiKey', ${JSON.stringify(apiKey)})`);
}
