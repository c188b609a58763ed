import { createKeelClient } from '@keel/sdk';
import { type TestServer, startTestServer } from '@keel/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, hasChromium, launchBrowser, noChromiumReason } from './launch-browser.ts';
import { signInWithKey } from './ui-session.ts';

// A cold load of the run page: the script inlined in index.html asks for the page's data while the
// app loads (allowed by its hash in the Content-Security-Policy), and the app takes those answers
// instead of asking again.

interface Recorded {
  /** API requests the page sent, as "METHOD /path?query". */
  api: string[];
  /** Console errors (a blocked inline script is reported there). */
  errors: string[];
}

function record(page: Page): Recorded {
  const recorded: Recorded = { api: [], errors: [] };
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) recorded.api.push(`${request.method()} ${url.pathname}${url.search}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') recorded.errors.push(message.text());
  });
  return recorded;
}

const earlyTaken = (page: Page): Promise<number | null> => page.evaluate('globalThis.keelEarlyResponses?.taken ?? null') as Promise<number | null>;

describe.skipIf(!hasChromium)(`web UI first load (${hasChromium ? 'Chromium' : noChromiumReason})`, () => {
  let keel: TestServer;
  let browser: Browser;
  let runId: string;

  beforeAll(async () => {
    keel = await startTestServer();
    browser = await launchBrowser();
    const client = createKeelClient({ baseUrl: keel.url, apiKey: keel.adminKey });
    const experiment = await client.experiments.create({ name: 'first-load' });
    const run = await client.runs.create({ experimentId: experiment.experimentId, runName: 'early-bird' });
    runId = run.info.runId;
    await client.runs.logBatch(runId, {
      metrics: ['loss', 'val/acc'].flatMap((key) => Array.from({ length: 30 }, (_, step) => ({ key, value: 1 / (step + 1), timestamp: Date.now(), step }))),
      params: { lr: '0.1' },
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await keel?.close();
  });

  it('asks for the run page data once, from the early script, and draws it', async () => {
    const page = await browser.newPage();
    await signInWithKey(page, keel.url, keel.adminKey);
    const recorded = record(page);
    await page.goto(`${keel.url}/p/default/runs/${runId}`);
    await page.getByRole('heading', { name: 'early-bird' }).waitFor();
    for (const metric of ['loss', 'val/acc']) await page.locator(`figure[data-metric="${metric}"] canvas`).waitFor();
    await page.getByRole('navigation', { name: 'Artifacts' }).or(page.getByText('No artifacts')).first().waitFor();

    // The run, its experiment and both histories: each asked for once, and taken from the early script.
    const pageData = [`GET /api/v1/runs/${runId}`, 'GET /api/v1/experiments/1', `GET /api/v1/runs/${runId}/metrics/loss?maxPoints=1000`, `GET /api/v1/runs/${runId}/metrics/val%2Facc?maxPoints=1000`];
    for (const request of pageData) expect(recorded.api.filter((sent) => sent === request)).toEqual([request]);
    await expect(earlyTaken(page)).resolves.toBe(pageData.length);
    expect(recorded.errors).toEqual([]);
    await expect(page.locator('.breadcrumbs').textContent()).resolves.toContain('first-load');
    await page.close();
  }, 60_000);

  it('asks for the histories of a run with twelve metrics once each, in the order the page draws them, from the early script', async () => {
    const client = createKeelClient({ baseUrl: keel.url, apiKey: keel.adminKey });
    const experiment = await client.experiments.create({ name: 'many-metrics' });
    const run = await client.runs.create({ experimentId: experiment.experimentId, runName: 'twelve' });
    const keys = Array.from({ length: 12 }, (_, index) => `m${String(index).padStart(2, '0')}`);
    await client.runs.logBatch(run.info.runId, { metrics: keys.flatMap((key) => Array.from({ length: 20 }, (_, step) => ({ key, value: step, timestamp: Date.now(), step }))) });

    const page = await browser.newPage();
    await signInWithKey(page, keel.url, keel.adminKey);
    const recorded = record(page);
    await page.goto(`${keel.url}/p/default/runs/${run.info.runId}`);
    await page.getByRole('heading', { name: 'twelve' }).waitFor();
    for (const key of keys) await page.locator(`figure[data-metric="${key}"] canvas`).waitFor();
    // In the page's order, and once each.
    const histories = recorded.api.filter((sent) => sent.includes('/metrics/'));
    expect(histories).toEqual(keys.map((key) => `GET /api/v1/runs/${run.info.runId}/metrics/${key}?maxPoints=1000`));
    await expect(earlyTaken(page)).resolves.toBe(2 + keys.length);
    await page.close();
  }, 60_000);

  it('shows the error of a run that does not exist, answered to the early request', async () => {
    const page = await browser.newPage();
    await signInWithKey(page, keel.url, keel.adminKey);
    const recorded = record(page);
    await page.goto(`${keel.url}/p/default/runs/no-such-run`);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('no-such-run');
    expect(recorded.api.filter((sent) => sent === 'GET /api/v1/runs/no-such-run')).toHaveLength(1);
    await expect(earlyTaken(page)).resolves.toBe(1);
    // Trying again goes to the server.
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => recorded.api.filter((sent) => sent === 'GET /api/v1/runs/no-such-run').length).toBe(2);
    await page.close();
  }, 60_000);

  it('sends nothing early when signed out, and the sign-in page comes up', async () => {
    const page = await browser.newPage();
    const recorded = record(page);
    await page.goto(`${keel.url}/p/default/runs/${runId}`);
    await page.waitForURL((url) => url.pathname === '/sign-in');
    expect(recorded.api.filter((sent) => sent.startsWith('GET /api/v1/runs'))).toEqual([]);
    await expect(earlyTaken(page)).resolves.toBe(null);
    expect(recorded.errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('ignores the early answers of another page when the user moves on', async () => {
    const page = await browser.newPage();
    await signInWithKey(page, keel.url, keel.adminKey);
    await page.goto(`${keel.url}/p/default/experiments`);
    await page.getByRole('link', { name: 'first-load' }).waitFor();
    // An in-app navigation to the run page: the early script ran for another URL, so the app asks itself.
    const recorded = record(page);
    await page.getByRole('link', { name: 'first-load' }).click();
    await page.getByRole('link', { name: 'early-bird' }).click();
    await page.locator('figure[data-metric="loss"] canvas').waitFor();
    expect(recorded.api.filter((sent) => sent === `GET /api/v1/runs/${runId}`)).toHaveLength(1);
    await expect(earlyTaken(page)).resolves.toBe(0);
    await page.close();
  }, 60_000);
});
