import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium, noChromiumReason, saveScreenshot } from './launch-browser.ts';
import { specs, sweepSize, t0, useRunsFixture } from './runs-fixture.ts';

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


describe.skipIf(!hasChromium)(`web UI runs table (${hasChromium ? 'Chromium' : noChromiumReason})`, () => {
  const fixture = useRunsFixture({ sweep: true });
  const { id, open } = fixture;

  it('shows the runs with their numbers, adds chosen columns, sorts by header and filters, all kept in the URL', async () => {
    const page = await open(`/p/default/experiments/${fixture.seeded.mnistId}`);
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
    const page = await open(`/p/default/experiments/${fixture.seeded.mnistId}?sort=attributes.bogus&dir=asc`);
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
    const page = await open(`/p/default/experiments/${fixture.seeded.sweepId}`);
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
    const page = await open(`/p/default/experiments/${fixture.seeded.sweepId}`);
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
    await page.goto(`${fixture.keel.url}/p/default/compare?runs=${[...selection, id('run-a')].join(',')}`);
    await page.getByRole('heading', { name: 'Compare 100 runs' }).waitFor();
    await expect(page.getByRole('note').textContent()).resolves.toBe('A comparison takes up to 100 runs: these are the first 100 of the 101 in the link.');
    await page.close();
  }, 90_000);
});
