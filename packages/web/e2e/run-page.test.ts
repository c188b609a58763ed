import { describe, expect, it } from 'vitest';
import { hasChromium, noChromiumReason, saveScreenshot } from './launch-browser.ts';
import { gradNormPoints, readTable, useRunsFixture } from './runs-fixture.ts';
import { signInWithKey } from './ui-session.ts';

describe.skipIf(!hasChromium)(`web UI run and compare pages (${hasChromium ? 'Chromium' : noChromiumReason})`, () => {
  const fixture = useRunsFixture({ sweep: false });
  const { id, open } = fixture;

  it('shows a run: params, tags, a chart per metric from downsampled history, and previews of its artifacts', async () => {
    const page = await fixture.browser.newPage();
    await signInWithKey(page, fixture.keel.url, fixture.keel.adminKey);
    const historyRequests: string[] = [];
    page.on('request', (request) => {
      if (/\/metrics\/[^/?]+/.test(new URL(request.url()).pathname)) historyRequests.push(request.url());
    });
    const gradNorm = page.waitForResponse((response) => new URL(response.url()).pathname.endsWith('/metrics/grad_norm'));
    await page.goto(`${fixture.keel.url}/p/default/runs/${id('run-a')}`);
    await page.getByRole('heading', { name: 'run-a' }).waitFor();

    await page.getByRole('table', { name: 'Params' }).waitFor();
    expect(await readTable(page, 'Params')).toEqual([['Key', 'Value'], ['batch', '32'], ['lr', '0.1'], ['optimizer', 'adam']]);
    expect(await readTable(page, 'Tags')).toEqual([['Key', 'Value'], ['note', 'baseline'], ['team', 'vision']]);
    expect(await readTable(page, 'Latest metrics')).toEqual([['Metric', 'Latest', 'Step'], ['acc', '0.91', '49'], ['grad_norm', formatSix(1 + Math.sin((gradNormPoints - 1) / 500)), '19,999'], ['loss', '0.25', '49']]);

    // A chart per metric, drawn by uPlot, with the metric as its legend label.
    for (const metric of ['acc', 'grad_norm', 'loss']) {
      const chart = page.locator(`figure[data-metric="${metric}"]`);
      await chart.locator('canvas').waitFor();
      await expect(chart.locator('.u-legend .u-series').nth(1).textContent()).resolves.toContain(metric);
    }
    // 20,000 points came back as about a thousand: the server downsampled them.
    const gradNormItems = ((await (await gradNorm).json()) as { items: unknown[] }).items.length;
    expect(gradNormItems).toBeGreaterThan(100);
    expect(gradNormItems).toBeLessThanOrEqual(1100);
    expect(historyRequests.length).toBe(3);
    for (const url of historyRequests) expect(new URL(url).searchParams.get('maxPoints')).toBe('1000');
    await saveScreenshot(page, 'run');

    // The x axis switches to time; log scale and smoothing redraw the charts.
    await page.getByLabel('X axis').selectOption('time');
    await expect.poll(() => page.locator('figure[data-metric="loss"] .u-legend .u-series').first().textContent()).toContain('time');
    await page.getByLabel('Log scale').check();
    await page.getByLabel('Smoothing').fill('0.9');
    await expect(page.locator('.chart-controls output').textContent()).resolves.toBe('0.90');
    await expect(page.locator('figure[data-metric="loss"] canvas').count()).resolves.toBe(1);
    // The chart options live in the URL: a reload (or a shared link) draws the same charts.
    await page.waitForURL((url) => url.searchParams.get('x') === 'time' && url.searchParams.get('log') === '1' && url.searchParams.get('smooth') === '0.9');
    await page.reload();
    await page.locator('figure[data-metric="loss"] canvas').waitFor();
    await expect(page.getByLabel('X axis').inputValue()).resolves.toBe('time');
    await expect(page.getByLabel('Log scale').isChecked()).resolves.toBe(true);
    await expect(page.locator('.chart-controls output').textContent()).resolves.toBe('0.90');

    // Artifacts: text, pretty JSON, a CSV table (first 200 rows) and an image.
    const browserNav = page.getByRole('navigation', { name: 'Artifacts' });
    const preview = page.locator('.artifact-preview');
    await browserNav.getByRole('button', { name: /notes\.txt/ }).click();
    await expect(preview.getByTestId('artifact-text').textContent()).resolves.toBe('hello from run-a\nsecond line');
    await browserNav.getByRole('button', { name: /config\.json/ }).click();
    await preview.getByTestId('artifact-text').filter({ hasText: '"layers"' }).waitFor();
    await expect(preview.getByTestId('artifact-text').textContent()).resolves.toBe('{\n  "lr": 0.1,\n  "layers": [\n    64,\n    32\n  ]\n}');
    await browserNav.getByRole('button', { name: /eval\// }).click();
    await browserNav.getByRole('button', { name: /preds\.csv/ }).click();
    await page.getByRole('table', { name: 'eval/preds.csv' }).waitFor();
    const csv = await readTable(page, 'eval/preds.csv');
    expect(csv.length).toBe(201);
    expect(csv.slice(0, 3)).toEqual([['id', 'label', 'score'], ['0', 'cat', '0.000'], ['1', 'dog', '0.003']]);
    expect(csv.at(-1)).toEqual(['199', 'dog', '0.663']);
    await expect(preview.getByText('Showing the first 200 rows.').count()).resolves.toBe(1);
    await preview.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'run-artifacts');
    await browserNav.getByRole('button', { name: 'artifacts', exact: true }).click();
    await browserNav.getByRole('button', { name: /plots\// }).click();
    await browserNav.getByRole('button', { name: /loss\.png/ }).click();
    const image = preview.getByRole('img', { name: 'plots/loss.png' });
    await image.waitFor();
    await expect(image.getAttribute('src')).resolves.toMatch(/^blob:/);
    await expect.poll(() => image.evaluate((element) => {
      const img = element as unknown as { complete: boolean; naturalWidth: number; naturalHeight: number };
      return [img.complete, img.naturalWidth, img.naturalHeight];
    })).toEqual([true, 3, 2]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await page.locator('figure[data-metric="loss"] canvas').waitFor();
    await saveScreenshot(page, 'run-dark');
    await page.close();
  }, 90_000);

  it('compares runs: a diff table, parallel coordinates and overlaid charts', async () => {
    const runs = ['run-a', 'run-b', 'run-c'];
    const page = await open(`/p/default/compare?runs=${runs.map(id).join(',')}`);
    await page.getByRole('table', { name: 'Run differences' }).waitFor();
    const diff = await readTable(page, 'Run differences');
    expect(diff).toEqual([
      ['Key', 'run-a', 'run-b', 'run-c'],
      ['param batch', '32', '32', '64'],
      ['param lr', '0.1', '0.01', '0.001'],
      ['param optimizer', 'adam', 'adam', 'adam'],
      ['metric acc', '0.91', '0.88', '0.8'],
      ['metric grad_norm', formatSix(1 + Math.sin((gradNormPoints - 1) / 500)), '—', '—'],
      ['metric loss', '0.25', '0.42', '0.73'],
    ]);
    // Differing rows are marked; equal ones not, and "only rows that differ" hides them.
    await expect(page.locator('table[aria-label="Run differences"] tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-differs')))).resolves.toEqual([
      'true', 'true', 'false', 'true', 'true', 'true',
    ]);
    await page.getByLabel('Only rows that differ').check();
    await expect.poll(async () => (await readTable(page, 'Run differences')).map((row) => row[0])).toEqual(['Key', 'param batch', 'param lr', 'metric acc', 'metric grad_norm', 'metric loss']);

    // Parallel coordinates: an axis per differing param and metric, a polyline per run through all of them.
    const svg = page.getByRole('img', { name: 'Parallel coordinates' });
    await expect(svg.locator('.axis-title').allTextContents()).resolves.toEqual(['batch', 'lr', 'acc', 'grad_norm', 'loss']);
    const lines = svg.locator('polyline');
    await expect(lines.count()).resolves.toBe(3);
    // run-a has every value (5 points); the others have no grad_norm (4 points).
    await expect(lines.evaluateAll((items) => items.map((line) => (line.getAttribute('points') ?? '').split(' ').length))).resolves.toEqual([5, 4, 4]);
    await expect(lines.evaluateAll((items) => items.map((line) => line.getAttribute('stroke')))).resolves.toEqual(['#2563eb', '#dc2626', '#16a34a']);
    await page.getByText('Axes (5)').click();
    await page.getByLabel('Axis metrics.grad_norm').uncheck();
    await expect.poll(() => svg.locator('.axis-title').allTextContents()).toEqual(['batch', 'lr', 'acc', 'loss']);
    await page.getByText('Axes (4)').click();

    // One chart per metric all three logged, a series per run.
    const loss = page.locator('figure[data-metric="loss"]');
    await loss.locator('canvas').waitFor();
    await expect(loss.locator('.u-legend .u-series').allTextContents()).resolves.toEqual([expect.stringContaining('step'), ...runs.map((name) => expect.stringContaining(name))]);
    await page.locator('figure[data-metric="acc"] canvas').waitFor();
    await expect(page.locator('figure[data-metric="grad_norm"]').count()).resolves.toBe(0);
    await saveScreenshot(page, 'compare');
    await loss.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'compare-charts');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await page.locator('figure[data-metric="loss"] canvas').waitFor();
    await saveScreenshot(page, 'compare-dark');
    await page.close();
  }, 90_000);
});

/** formatNumber of a non-integer: six significant digits, as the UI shows it. */
function formatSix(value: number): string {
  return new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 }).format(value);
}
