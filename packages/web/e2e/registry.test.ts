import { type KeelClient, createKeelClient } from '@keel/sdk';
import { type TestServer, startTestServer } from '@keel/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, hasChromium, launchBrowser, noChromiumReason, saveScreenshot } from './launch-browser.ts';
import { signInWithKey } from './ui-session.ts';

/** The text of each cell of each body row of a table, trimmed. */
const tableRows = (page: Page, label: string): Promise<string[][]> =>
  page.getByRole('table', { name: label }).locator('tbody tr').evaluateAll((rows) => rows.map((row) => Array.from(row.querySelectorAll('td'), (cell: { textContent: string | null }) => (cell.textContent ?? '').trim())));

describe.skipIf(!hasChromium)(`web UI model registry (${hasChromium ? 'Chromium' : noChromiumReason})`, () => {
  let keel: TestServer;
  let browser: Browser;
  let client: KeelClient;
  let baselineRun: string;
  let retrainRun: string;
  let experimentId: string;

  beforeAll(async () => {
    keel = await startTestServer();
    browser = await launchBrowser();
    client = createKeelClient({ baseUrl: keel.url, apiKey: keel.adminKey });
    experimentId = (await client.experiments.create({ name: 'churn-training' })).experimentId;
    baselineRun = (await client.runs.create({ experimentId, runName: 'baseline' })).info.runId;
    retrainRun = (await client.runs.create({ experimentId, runName: 'retrain' })).info.runId;
    await client.registry.createModel({ name: 'churn-classifier', description: 'Predicts which customers leave', tags: { team: 'growth' } });
    await client.registry.createVersion('churn-classifier', { runId: baselineRun, artifactPath: 'model', tags: { framework: 'sklearn' } });
    await client.registry.createVersion('churn-classifier', { source: `runs:/${retrainRun}/model`, description: 'retrained on March data' });
    await client.registry.createVersion('churn-classifier', { source: 's3://models/churn/3' });
    await client.registry.setAlias('churn-classifier', 'champion', 1);
    await client.registry.setAlias('churn-classifier', 'champion', 2);
    await client.registry.setAlias('churn-classifier', 'challenger', 3);
    await client.registry.createModel({ name: 'fraud-detector', description: 'Flags card fraud' });
  });
  afterAll(async () => {
    await browser?.close();
    await keel?.close();
  });

  it('lists the registered models with latest version and aliases, and filters by name kept in the URL', async () => {
    const page = await browser.newPage();
    await signInWithKey(page, keel.url, keel.adminKey);
    await page.goto(`${keel.url}/p/default/models`);
    await page.getByRole('table', { name: 'Registered models' }).waitFor();
    const rows = await tableRows(page, 'Registered models');
    expect(rows.map((row) => row.slice(0, 4))).toEqual([
      ['churn-classifier', 'v3', '@challenger → v3@champion → v2', 'Predicts which customers leave'],
      ['fraud-detector', '—', '—', 'Flags card fraud'],
    ]);
    expect(rows[0]?.[4]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    await saveScreenshot(page, 'models');

    await page.getByLabel('Name contains').fill('FRAUD');
    await page.waitForURL((url) => url.searchParams.get('name') === 'FRAUD');
    await page.getByRole('table', { name: 'Registered models' }).getByRole('link', { name: 'churn-classifier', exact: true }).waitFor({ state: 'detached' });
    expect((await tableRows(page, 'Registered models')).map((row) => row[0])).toEqual(['fraud-detector']);

    // The filter survives a reload: it lives in the URL.
    await page.reload();
    await page.getByRole('table', { name: 'Registered models' }).waitFor();
    await expect(page.getByLabel('Name contains').inputValue()).resolves.toBe('FRAUD');
    expect((await tableRows(page, 'Registered models')).map((row) => row[0])).toEqual(['fraud-detector']);

    await page.getByLabel('Name contains').fill('no-such-model');
    await page.getByText('No model name contains “no-such-model”.').waitFor();

    // Keyboard: Tab to the model link and open it with Enter.
    await page.getByLabel('Name contains').fill('');
    const link = page.getByRole('table', { name: 'Registered models' }).getByRole('link', { name: 'churn-classifier', exact: true });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'churn-classifier', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/p/default/models/churn-classifier');
    await page.close();
  });

  it('shows versions with aliases, status, source and run, the lineage of the selected version and the alias history', async () => {
    const page = await browser.newPage();
    await signInWithKey(page, keel.url, keel.adminKey);
    await page.goto(`${keel.url}/p/default/models/churn-classifier`);
    await page.getByRole('table', { name: 'Versions' }).waitFor();
    const versions = await tableRows(page, 'Versions');
    expect(versions.map((row) => row.slice(0, 6))).toEqual([
      ['v3', '@challenger', 'READY', '—', 's3://models/churn/3', '—'],
      ['v2', '@champion', 'READY', '—', `runs:/${retrainRun}/model`, retrainRun.slice(0, 12)],
      ['v1', '—', 'READY', '—', `runs:/${baselineRun}/model`, baselineRun.slice(0, 12)],
    ]);

    // With no ?version the newest is selected; its source has no run.
    await page.getByRole('region', { name: 'Version 3' }).getByText('No run').waitFor();

    // Alias history, newest first: challenger set, champion moved 1 -> 2, champion set.
    const history = await tableRows(page, 'Alias history');
    expect(history.map((row) => row.slice(1, 3))).toEqual([
      ['@challenger', 'set to v3'],
      ['@champion', 'v1 → v2'],
      ['@champion', 'set to v1'],
    ]);
    await expect(page.getByRole('definition').filter({ hasText: 'growth' }).count()).resolves.toBe(1);

    // Select version 1 with the keyboard: the URL names it, the lineage and tags follow.
    await page.getByRole('link', { name: 'Version 1', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('version') === '1');
    const selected = page.getByRole('region', { name: 'Version 1' });
    await selected.getByRole('link', { name: 'Run baseline' }).waitFor();
    await expect(selected.getByRole('link', { name: 'Experiment churn-training' }).getAttribute('href')).resolves.toBe(`/p/default/experiments/${experimentId}`);
    await expect(selected.getByLabel('Tags of version 1').textContent()).resolves.toBe('frameworksklearn');
    await expect(page.locator('tr[aria-selected="true"]').getAttribute('data-version')).resolves.toBe('1');
    await saveScreenshot(page, 'model');
    await page.getByLabel('Theme').selectOption('dark');
    await page.waitForFunction("document.documentElement.dataset.theme === 'dark'");
    await saveScreenshot(page, 'model-dark');

    // Lineage links navigate to the run page.
    await selected.getByRole('link', { name: 'Run baseline' }).click();
    await page.waitForURL(`${keel.url}/p/default/runs/${baselineRun}`);

    // A version that does not exist is said so.
    await page.goto(`${keel.url}/p/default/models/churn-classifier?version=42`);
    await page.getByRole('alert').filter({ hasText: 'This model has no version 42.' }).waitFor();
    await page.close();
  });

  it('says so when the model does not exist', async () => {
    const page = await browser.newPage();
    await signInWithKey(page, keel.url, keel.adminKey);
    await page.goto(`${keel.url}/p/default/models/nope`);
    await page.getByRole('alert').first().waitFor();
    // One error, naming the model; nothing else of the page is drawn.
    await expect(page.getByRole('alert').allTextContents()).resolves.toEqual([expect.stringMatching(/^Could not load this\..*nope.*not found/)]);
    await expect(page.getByRole('table').count()).resolves.toBe(0);
    await page.close();
  });

  it('reads the list page by page: a model beyond the first page is reached by scrolling, and the name filter pages too', async () => {
    // 2 models already; 105 more make 107, past the first page of 100 (by name: churn, fraud, zz-bulk-000 … 097).
    const bulk = Array.from({ length: 105 }, (_, index) => `zz-bulk-${String(index).padStart(3, '0')}`);
    for (const name of bulk) await client.registry.createModel({ name });
    const page = await browser.newPage();
    await signInWithKey(page, keel.url, keel.adminKey);
    await page.goto(`${keel.url}/p/default/models`);
    const table = page.getByRole('table', { name: 'Registered models' });
    await table.waitFor();
    const status = page.locator('.paged-list-footer [role="status"]');
    await expect(status.textContent()).resolves.toBe('100 models shown; scroll or load more.');
    await expect(table.locator('tbody tr').count()).resolves.toBe(100);
    await expect(table.getByRole('link', { name: 'zz-bulk-098', exact: true }).count()).resolves.toBe(0);

    // Scrolling to the bottom loads the next page by itself.
    await page.getByRole('button', { name: 'Load more' }).scrollIntoViewIfNeeded();
    await page.getByText('107 models shown.').waitFor();
    await expect(page.getByRole('button', { name: 'Load more' }).count()).resolves.toBe(0);
    expect((await tableRows(page, 'Registered models')).map((row) => row[0]).slice(-3)).toEqual(['zz-bulk-102', 'zz-bulk-103', 'zz-bulk-104']);
    await page.getByText('107 models shown.').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'models-paged');
    await table.getByRole('link', { name: 'zz-bulk-104', exact: true }).click();
    await page.getByRole('heading', { name: 'zz-bulk-104', level: 1 }).waitFor();

    // The filter is applied on the server, page by page: 105 matches, 100 first, then the rest with the button.
    await page.goto(`${keel.url}/p/default/models?name=bulk`);
    await page.getByText('100 models shown; scroll or load more.').waitFor();
    await page.evaluate('window.scrollTo(0, 0)');
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText('105 models shown.').waitFor();
    expect((await tableRows(page, 'Registered models')).map((row) => row[0]).at(-1)).toBe('zz-bulk-104');
    await page.close();
  });
});
