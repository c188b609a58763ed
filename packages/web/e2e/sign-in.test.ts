import { createKeelClient } from '@keel/sdk';
import { type TestServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, hasChromium, launchBrowser, noChromiumReason, saveScreenshot } from './launch-browser.ts';

describe.skipIf(!hasChromium)(`web UI sign-in (${hasChromium ? 'Chromium' : noChromiumReason})`, () => {
  let keel: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    keel = await startTestServer();
    browser = await launchBrowser();
    const client = createKeelClient({ baseUrl: keel.url, apiKey: keel.adminKey });
    await client.experiments.create({ name: 'churn-model' });
  });
  afterAll(async () => {
    await browser?.close();
    await keel?.close();
  });

  it('signs in once with the link keel server printed, then lands on the experiments', async () => {
    const link = keel.server.signInUrl;
    expect(link).toMatch(/\/sign-in#token=\w+$/);
    const page = await browser.newPage();
    await page.goto(link as string);
    await page.getByRole('heading', { name: 'Experiments' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/p/default/experiments');
    // The heading comes before the list's answer: wait for the row, then check there is exactly one.
    const experiment = page.getByRole('table', { name: 'Experiments' }).getByRole('link', { name: 'churn-model' });
    await experiment.first().waitFor();
    await expect(experiment.count()).resolves.toBe(1);
    await saveScreenshot(page, 'experiments');

    // The link is spent: a second browser using it is refused and shown why.
    const second = await browser.newPage();
    await second.goto(link as string);
    await second.getByRole('alert').waitFor();
    await expect(second.getByRole('alert').textContent()).resolves.toContain('already used or has expired');
    await page.close();
  });

  it('refuses a wrong API key inline and accepts a real one', async () => {
    const page = await browser.newPage();
    await page.goto(`${keel.url}/p/default/experiments`);
    // Not signed in: sent to the sign-in page, remembering where to go next.
    await page.getByRole('heading', { name: 'Sign in to Keel' }).waitFor();
        await page.getByLabel('API key').fill('keel_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Invalid or revoked API key/);
    await saveScreenshot(page, 'sign-in-error');
    await page.getByLabel('API key').fill(keel.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Experiments' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/p/default/experiments');
    await page.close();
  });
});
