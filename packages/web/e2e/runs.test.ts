import { type KeelClient, createKeelClient } from '@keel/sdk';
import { type TestServer, startTestServer } from '@keel/testing';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, hasChromium, launchBrowser, noChromiumReason, saveScreenshot } from './launch-browser.ts';
import { tinyPng } from './tiny-png.ts';
import { signInWithKey } from './ui-session.ts';

// Four runs of one experiment with known params and metrics; a second experiment of 620 runs for paging.
const t0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const specs = [
  { name: 'run-a', lr: '0.1', batch: '32', loss: 0.25, acc: 0.91 },
  { name: 'run-b', lr: '0.01', batch: '32', loss: 0.42, acc: 0.88 },
  { name: 'run-c', lr: '0.001', batch: '64', loss: 0.73, acc: 0.8 },
  { name: 'run-d', lr: '0.1', batch: '64', loss: 0.61, acc: 0.85 },
] as const;
const sweepSize = 620;
const lossSteps = 50;
const gradNormPoints = 20_000;
const csvRows = 300;

/** The browser's own formatting of a start time (same as src/lib/format.ts), in the machine's zone. */
function localTime(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The rendered rows of the runs table, in row order, as cell texts. */
const readRows = (page: Page): Promise<string[][]> =>
  page.evaluate(`[...document.querySelectorAll('[role=table][aria-label="Runs"] [role=rowgroup] [role=row]')]
    .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
    .map((row) => [...row.querySelectorAll('[role=cell]')].map((cell) => cell.textContent ?? ''))`);
const readNames = async (page: Page): Promise<string[]> => (await readRows(page)).map((cells) => cells[1] ?? '');

/** A checkbox's state, mixed (indeterminate) included. */
const checkboxState = (box: Locator): Promise<'mixed' | 'checked' | 'unchecked'> =>
  box.evaluate((input: { indeterminate: boolean; checked: boolean }) => (input.indeterminate ? 'mixed' : input.checked ? 'checked' : 'unchecked'));

/** A `table.simple` by its accessible name, as rows of cell texts (header row first). */
const readTable = (page: Page, name: string): Promise<string[][]> =>
  page.evaluate(`[...document.querySelector(${JSON.stringify(`table[aria-label="${name}"]`)}).querySelectorAll('tr')]
    .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent ?? ''))`);

async function seed(client: KeelClient) {
  const mnist = await client.experiments.create({ name: 'mnist' });
  const ids: Record<string, string> = {};
  for (const [index, spec] of specs.entries()) {
    const startTime = t0 + index * 60_000;
    const run = await client.runs.create({ experimentId: mnist.experimentId, runName: spec.name, startTime, tags: { team: 'vision' } });
    ids[spec.name] = run.info.runId;
    const loss = Array.from({ length: lossSteps }, (_, step) => ({ key: 'loss', value: spec.loss + (lossSteps - 1 - step) * 0.01, timestamp: startTime + step * 1000, step }));
    await client.runs.logBatch(run.info.runId, {
      params: { lr: spec.lr, batch: spec.batch, optimizer: 'adam' },
      metrics: [...loss, { key: 'acc', value: spec.acc, timestamp: startTime + lossSteps * 1000, step: lossSteps - 1 }],
    });
    await client.runs.update(run.info.runId, { status: 'FINISHED', endTime: startTime + (index + 1) * 90_000 });
  }
  const runA = ids['run-a'] as string;
  await client.runs.setTag(runA, 'note', 'baseline');
  // A long metric: the chart asks the server for ~1000 points of it.
  for (let offset = 0; offset < gradNormPoints; offset += 1000) {
    const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: 'grad_norm', value: 1 + Math.sin((offset + i) / 500), timestamp: t0 + offset + i, step: offset + i }));
    await client.runs.logBatch(runA, { metrics });
  }
  const text = (value: string) => new TextEncoder().encode(value);
  await client.runs.uploadArtifact(runA, 'notes.txt', text('hello from run-a\nsecond line'));
  await client.runs.uploadArtifact(runA, 'config.json', text(JSON.stringify({ lr: 0.1, layers: [64, 32] })));
  const csv = ['id,label,score', ...Array.from({ length: csvRows }, (_, i) => `${i},${i % 2 === 0 ? 'cat' : 'dog'},${(i / csvRows).toFixed(3)}`)].join('\n');
  await client.runs.uploadArtifact(runA, 'eval/preds.csv', text(csv));
  await client.runs.uploadArtifact(runA, 'plots/loss.png', tinyPng(3, 2, [220, 38, 38]));

  const sweep = await client.experiments.create({ name: 'sweep' });
  for (let start = 0; start < sweepSize; start += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, sweepSize - start) }, (_, i) => {
        const n = start + i;
        return client.runs.create({ experimentId: sweep.experimentId, runName: `sweep-${String(n).padStart(4, '0')}`, startTime: t0 + n * 1000 });
      }),
    );
  }
  return { mnistId: mnist.experimentId, sweepId: sweep.experimentId, ids };
}

describe.skipIf(!hasChromium)(`web UI experiments and runs (${hasChromium ? 'Chromium' : noChromiumReason})`, () => {
  let keel: TestServer;
  let browser: Browser;
  let seeded: Awaited<ReturnType<typeof seed>>;
  const id = (name: string) => seeded.ids[name] as string;

  beforeAll(async () => {
    keel = await startTestServer();
    browser = await launchBrowser();
    seeded = await seed(createKeelClient({ baseUrl: keel.url, apiKey: keel.adminKey }));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await keel?.close();
  });

  const open = async (path: string): Promise<Page> => {
    const page = await browser.newPage();
    await signInWithKey(page, keel.url, keel.adminKey);
    await page.goto(`${keel.url}${path}`);
    return page;
  };

  it('shows the runs with their numbers, adds chosen columns, sorts by header and filters, all kept in the URL', async () => {
    const page = await open(`/p/default/experiments/${seeded.mnistId}`);
    await page.getByRole('heading', { name: 'mnist' }).waitFor();
    const table = page.getByRole('table', { name: 'Runs' });
    await table.getByRole('link', { name: 'run-a' }).waitFor();

    // Newest first by default; status, start time and duration as logged.
    const rows = await readRows(page);
    expect(rows.map((cells) => cells[1])).toEqual(['run-d', 'run-c', 'run-b', 'run-a']);
    expect(rows[3]).toEqual(['', 'run-a', 'finished', localTime(t0), '1 min 30 s']);
    expect(rows[0]).toEqual(['', 'run-d', 'finished', localTime(t0 + 3 * 60_000), '6 min 0 s']);
    await expect(page.getByTestId('run-count').textContent()).resolves.toBe('4 runs');

    // The column chooser lists the keys of the loaded runs; a chosen metric and param become columns.
    await page.getByText('Columns', { exact: true }).click();
    const chooser = page.getByRole('group', { name: 'Choose columns' });
    await expect(chooser.getByRole('checkbox').evaluateAll((boxes) => boxes.map((box) => box.getAttribute('aria-label')))).resolves.toEqual([
      'metrics.acc', 'metrics.grad_norm', 'metrics.loss', 'params.batch', 'params.lr', 'params.optimizer', 'tags.note', 'tags.team', 'tags.mlflow.runName',
    ]);
    await chooser.getByLabel('metrics.loss', { exact: true }).check();
    await chooser.getByLabel('params.lr', { exact: true }).check();
    await page.getByText('Columns (2)', { exact: true }).click();
    await table.getByRole('columnheader', { name: 'metric loss' }).waitFor();
    const withColumns = Object.fromEntries((await readRows(page)).map((cells) => [cells[1], cells.slice(5)]));
    expect(withColumns).toEqual({ 'run-a': ['0.25', '0.1'], 'run-b': ['0.42', '0.01'], 'run-c': ['0.73', '0.001'], 'run-d': ['0.61', '0.1'] });

    // Sorting asks the server: loss descending on the first click, ascending on the second.
    const lossHeader = table.getByRole('columnheader', { name: 'metric loss' });
    await lossHeader.getByRole('button').click();
    await expect.poll(() => readNames(page)).toEqual(['run-c', 'run-d', 'run-b', 'run-a']);
    await expect(lossHeader.getAttribute('aria-sort')).resolves.toBe('descending');
    await lossHeader.getByRole('button').click();
    await expect.poll(() => readNames(page)).toEqual(['run-a', 'run-b', 'run-d', 'run-c']);
    await expect(lossHeader.getAttribute('aria-sort')).resolves.toBe('ascending');

    // The MLflow filter grammar narrows the rows.
    const filter = page.getByLabel('Filter runs');
    await filter.fill("metrics.loss < 0.5 AND params.lr = '0.1'");
    await filter.press('Enter');
    await expect.poll(() => readNames(page)).toEqual(['run-a']);
    await filter.fill("params.batch = '64'");
    await filter.press('Enter');
    await expect.poll(() => readNames(page)).toEqual(['run-d', 'run-c']);

    // Everything above is in the URL: a reload (or a shared link) shows the same view.
    const url = new URL(page.url());
    expect(url.searchParams.getAll('col')).toEqual(['metrics.loss', 'params.lr']);
    expect([url.searchParams.get('sort'), url.searchParams.get('dir'), url.searchParams.get('filter')]).toEqual(['metrics.loss', 'asc', "params.batch = '64'"]);
    await page.reload();
    await table.getByRole('columnheader', { name: 'param lr' }).waitFor();
    await expect.poll(() => readNames(page)).toEqual(['run-d', 'run-c']);
    await expect(filter.inputValue()).resolves.toBe("params.batch = '64'");

    // A filter the server refuses: its message under the box and a caret under the position it names.
    await filter.fill('params.lr = 0.1');
    await filter.press('Enter');
    const error = page.locator('.filter-error');
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain('Invalid filter at position 12: expected a quoted string');
    await expect(page.getByTestId('filter-caret').textContent()).resolves.toBe(`params.lr = 0.1\n${' '.repeat(12)}^`);
    await expect(table.count()).resolves.toBe(0);
    await saveScreenshot(page, 'runs-filter-error');
    await filter.fill("params.lr = '0.1'");
    await filter.press('Enter');
    await expect.poll(() => readNames(page)).toEqual(['run-a', 'run-d']);
    await expect(error.count()).resolves.toBe(0);

    // Selecting rows enables Compare, which opens the compare page with those runs.
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await expect.poll(() => readNames(page)).toEqual(['run-a', 'run-b', 'run-d', 'run-c']);
    await expect(page.getByRole('button', { name: /^Compare/ }).isDisabled()).resolves.toBe(true);
    // The header's box selects all loaded runs: mixed while some are, checked when all are, and clears them all.
    const selectAll = table.getByRole('columnheader').getByRole('checkbox', { name: 'Select all loaded runs' });
    const boxState = () => checkboxState(selectAll);
    await expect(boxState()).resolves.toBe('unchecked');
    await page.getByLabel('Select run-b').check();
    await expect.poll(boxState).toBe('mixed');
    await selectAll.click();
    await expect.poll(boxState).toBe('checked');
    await expect(page.locator('[role=row][aria-selected=true]').count()).resolves.toBe(4);
    await expect(table.getByRole('checkbox', { checked: true }).count()).resolves.toBe(5);
    expect(new URL(page.url()).searchParams.get('sel')?.split(',').sort()).toEqual(specs.map((spec) => id(spec.name)).sort());
    await page.getByRole('button', { name: 'Compare (4)' }).waitFor();
    await saveScreenshot(page, 'runs-select-all');
    await selectAll.click();
    await expect.poll(boxState).toBe('unchecked');
    await expect(page.locator('[role=row][aria-selected=true]').count()).resolves.toBe(0);
    expect(new URL(page.url()).searchParams.has('sel')).toBe(false);
    await expect(page.getByRole('button', { name: /^Compare/ }).isDisabled()).resolves.toBe(true);
    // Checking every row by hand checks the header's box too.
    for (const name of ['run-a', 'run-b', 'run-c', 'run-d']) await page.getByLabel(`Select ${name}`).check();
    await expect.poll(boxState).toBe('checked');
    await page.getByLabel('Select run-d').uncheck();
    await expect.poll(boxState).toBe('mixed');
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await expect.poll(boxState).toBe('unchecked');
    for (const name of ['run-a', 'run-b', 'run-c']) await page.getByLabel(`Select ${name}`).check();
    await expect(page.locator('[role=row][aria-selected=true]').count()).resolves.toBe(3);
    expect(new URL(page.url()).searchParams.get('sel')).toBe([id('run-a'), id('run-b'), id('run-c')].join(','));
    await saveScreenshot(page, 'runs');
    await page.getByRole('button', { name: 'Compare (3)' }).click();
    await page.getByRole('heading', { name: 'Compare 3 runs' }).waitFor();
    expect(new URL(page.url()).searchParams.get('runs')).toBe([id('run-a'), id('run-b'), id('run-c')].join(','));
    await page.close();
  }, 90_000);

  it('explains a sort order the server refuses (from a hand-edited link) and offers to reset it', async () => {
    const page = await open(`/p/default/experiments/${seeded.mnistId}?sort=attributes.bogus&dir=asc`);
    const alert = page.getByRole('alert').filter({ hasText: 'refused this sort order' });
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain("unknown attribute 'bogus'");
    await expect(page.getByTestId('filter-caret').count()).resolves.toBe(0);
    await alert.getByRole('button', { name: 'Sort by start time' }).click();
    await expect.poll(() => readNames(page)).toEqual(['run-d', 'run-c', 'run-b', 'run-a']);
    expect(new URL(page.url()).search).toBe('');
    await page.close();
  });

  it('pages through 620 runs as the user scrolls, renders only the rows in view, and opens one from the keyboard', async () => {
    const page = await open(`/p/default/experiments/${seeded.sweepId}`);
    const table = page.getByRole('table', { name: 'Runs' });
    await table.getByRole('link', { name: 'sweep-0619' }).waitFor();
    // A first page of 100, then 500 a page as the user scrolls to the end.
    await expect(page.getByTestId('run-count').textContent()).resolves.toBe('100+ runs');
    expect(await page.locator('[role=rowgroup] [role=row]').count()).toBeLessThan(100);

    await page.evaluate(`document.querySelector('.vtable-body').scrollTop = 1e9`);
    await page.getByTestId('run-count').filter({ hasText: /^600\+ runs$/ }).waitFor();
    await page.evaluate(`document.querySelector('.vtable-body').scrollTop = 1e9`);
    await page.getByTestId('run-count').filter({ hasText: /^620 runs$/ }).waitFor();
    await expect(table.getAttribute('aria-rowcount')).resolves.toBe(String(sweepSize + 1));

    // Home and End jump between the first and the last run; Enter opens the focused one.
    await page.evaluate(`document.querySelector('.vtable-body').scrollTop = 0`);
    const first = table.locator('[role=row][data-index="0"]');
    await first.waitFor();
    await first.focus();
    await first.press('End');
    const last = table.locator(`[role=row][data-index="${sweepSize - 1}"]`);
    await last.waitFor();
    await expect.poll(() => page.evaluate(`document.activeElement?.dataset.index`)).toBe(String(sweepSize - 1));
    await expect(last.getByRole('link').textContent()).resolves.toBe('sweep-0000');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'sweep-0001' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/p\/default\/runs\/\w+$/);
    await page.close();
  }, 90_000);

  it('selects all loaded runs from the header, up to the 100 a comparison takes', async () => {
    const page = await open(`/p/default/experiments/${seeded.sweepId}`);
    const table = page.getByRole('table', { name: 'Runs' });
    await table.getByRole('link', { name: 'sweep-0619' }).waitFor();
    await expect(page.getByTestId('run-count').textContent()).resolves.toBe('100+ runs');
    const selectAll = table.getByRole('checkbox', { name: 'Select all loaded runs' });
    const boxState = () => checkboxState(selectAll);
    await selectAll.check();
    await page.getByRole('button', { name: 'Compare (100)' }).waitFor();
    await expect(boxState()).resolves.toBe('checked');
    await expect(page.getByTestId('compare-limit').textContent()).resolves.toBe('A comparison takes up to 100 runs.');

    // More pages load: the selection is full, so the header stays checked and new rows cannot be ticked.
    await page.evaluate(`document.querySelector('.vtable-body').scrollTop = 1e9`);
    await page.getByTestId('run-count').filter({ hasText: /^600\+ runs$/ }).waitFor();
    await expect(boxState()).resolves.toBe('checked');
    // Scrolled to the end of the first page: its last run (drawn only now) is checked, the next page's first is not, and cannot be.
    const last = table.getByRole('checkbox', { name: 'Select sweep-0520' });
    const next = table.getByRole('checkbox', { name: 'Select sweep-0519' });
    await expect(last.isChecked()).resolves.toBe(true);
    await expect(next.isChecked()).resolves.toBe(false);
    await expect(next.isDisabled()).resolves.toBe(true);
    // One run unticked: room for one more, the header is mixed, and it fills the room in table order.
    await last.uncheck();
    await page.getByRole('button', { name: 'Compare (99)' }).waitFor();
    await expect.poll(boxState).toBe('mixed');
    await expect(next.isDisabled()).resolves.toBe(false);
    await selectAll.click();
    await page.getByRole('button', { name: 'Compare (100)' }).waitFor();
    await expect(last.isChecked()).resolves.toBe(true);
    await expect(next.isChecked()).resolves.toBe(false);
    await expect(boxState()).resolves.toBe('checked');
    const selection = new URL(page.url()).searchParams.get('sel')?.split(',') ?? [];
    expect(selection).toHaveLength(100);
    await selectAll.click();
    await expect.poll(boxState).toBe('unchecked');
    await expect(page.getByRole('button', { name: /^Compare/ }).isDisabled()).resolves.toBe(true);

    // A hand-made link with more runs compares the first 100 and says so.
    await page.goto(`${keel.url}/p/default/compare?runs=${[...selection, id('run-a')].join(',')}`);
    await page.getByRole('heading', { name: 'Compare 100 runs' }).waitFor();
    await expect(page.getByRole('note').textContent()).resolves.toBe('A comparison takes up to 100 runs: these are the first 100 of the 101 in the link.');
    await page.close();
  }, 90_000);

  it('shows a run: params, tags, a chart per metric from downsampled history, and previews of its artifacts', async () => {
    const page = await browser.newPage();
    await signInWithKey(page, keel.url, keel.adminKey);
    const historyRequests: string[] = [];
    page.on('request', (request) => {
      if (/\/metrics\/[^/?]+/.test(new URL(request.url()).pathname)) historyRequests.push(request.url());
    });
    const gradNorm = page.waitForResponse((response) => new URL(response.url()).pathname.endsWith('/metrics/grad_norm'));
    await page.goto(`${keel.url}/p/default/runs/${id('run-a')}`);
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
