import { createKeelClient } from '@keel/sdk';
import { type TestServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, hasChromium, launchBrowser, noChromiumReason, saveScreenshot } from './launch-browser.ts';
import { signInWithKey } from './ui-session.ts';

describe.skipIf(!hasChromium)(`web UI shell: projects, theme, deep links, keyboard (${hasChromium ? 'Chromium' : noChromiumReason})`, () => {
  let keel: TestServer;
  let browser: Browser;
  let betaKey: string;

  beforeAll(async () => {
    keel = await startTestServer();
    browser = await launchBrowser();
    const admin = createKeelClient({ baseUrl: keel.url, apiKey: keel.adminKey });
    await admin.experiments.create({ name: 'in-default' });
    const beta = await admin.projects.create('beta');
    betaKey = beta.adminKey.secret;
    await createKeelClient({ baseUrl: keel.url, apiKey: betaKey }).experiments.create({ name: 'only-in-beta' });
  });
  afterAll(async () => {
    await browser?.close();
    await keel?.close();
  });

  it('switches project from the header, staying in the same section', async () => {
    const page = await browser.newPage();
    await signInWithKey(page, keel.url, keel.adminKey);
    await page.goto(`${keel.url}/p/default/experiments`);
    const experiments = page.getByRole('table', { name: 'Experiments' });
    await experiments.getByRole('link', { name: 'in-default' }).waitFor();
    await expect(page.getByLabel('Project').locator('option').allTextContents()).resolves.toEqual(['default', 'beta']);
    await page.getByLabel('Project').selectOption('beta');
    await experiments.getByRole('link', { name: 'only-in-beta' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/p/beta/experiments');
    await expect(experiments.getByRole('link', { name: 'in-default' }).count()).resolves.toBe(0);
    await page.context().close();
  });

  it("shows a project key only its own project, and another project's URL as an error", async () => {
    const page = await browser.newPage();
    await signInWithKey(page, keel.url, betaKey);
    await page.goto(`${keel.url}/p/beta/experiments`);
    await page.getByRole('link', { name: 'only-in-beta' }).waitFor();
    await expect(page.getByLabel('Project').locator('option').allTextContents()).resolves.toEqual(['beta']);
    await page.goto(`${keel.url}/p/default/experiments`);
    await page.getByRole('alert').first().waitFor();
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain("This key belongs to project 'beta'");
    await page.context().close();
  });

  it('opens a deep link after sign-in, and reloads it from the server', async () => {
    const page = await browser.newPage();
    await page.goto(`${keel.url}/p/default/experiments?view=x`);
    await page.getByRole('heading', { name: 'Sign in to Keel' }).waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/p/default/experiments?view=x');
    await page.getByLabel('API key').fill(keel.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Experiments' }).waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/p/default/experiments?view=x');
    await page.reload();
    await page.getByRole('heading', { name: 'Experiments' }).waitFor();
    await page.goto(`${keel.url}/p/default/no-such-page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.context().close();
  });

  it('switches to the dark theme and keeps it across reloads', async () => {
    const page = await browser.newPage();
    await signInWithKey(page, keel.url, keel.adminKey);
    await page.goto(`${keel.url}/p/default/experiments`);
    await page.getByRole('link', { name: 'in-default' }).waitFor();
    const background = () => page.evaluate('getComputedStyle(document.body).backgroundColor');
    await expect(background()).resolves.toBe('rgb(255, 255, 255)');
    await page.getByLabel('Theme').selectOption('dark');
    await expect(background()).resolves.toBe('rgb(11, 17, 32)');
    await page.reload();
    await page.getByRole('link', { name: 'in-default' }).waitFor();
    await expect(background()).resolves.toBe('rgb(11, 17, 32)');
    await saveScreenshot(page, 'experiments-dark');
    await page.context().close();
  });

  it('moves between sections with the keyboard alone', async () => {
    const page = await browser.newPage();
    await signInWithKey(page, keel.url, keel.adminKey);
    await page.goto(`${keel.url}/p/default/experiments`);
    await page.getByRole('link', { name: 'in-default' }).waitFor();
    const models = page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Models' });
    // Tab from the top of the page until the Models link has focus, then Enter.
    for (let presses = 0; presses < 10 && !(await models.evaluate((element) => element === element.ownerDocument.activeElement)); presses += 1) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${keel.url}/p/default/models`);
    await page.context().close();
  });
});
