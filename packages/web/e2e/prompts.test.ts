import { type KeelClient, createKeelClient, createKeelTracing } from '@keel/sdk';
import { type TestServer, startTestServer } from '@keel/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, hasChromium, launchBrowser, noChromiumReason, saveScreenshot } from './launch-browser.ts';
import { signInWithKey } from './ui-session.ts';

/** The text of each cell of each body row of a table, trimmed. */
const tableRows = (page: Page, label: string): Promise<string[][]> =>
  page.getByRole('table', { name: label, exact: true }).locator('tbody tr').evaluateAll((rows) => rows.map((row) => Array.from(row.querySelectorAll('td'), (cell: { textContent: string | null }) => (cell.textContent ?? '').trim())));

const prompt = 'support-reply';
const v1 = 'You are a helpful support agent.\nGreet {{customer}} politely.\nAnswer the question.';
const v2 = 'You are a helpful support agent.\nGreet {{customer}} by name.\nAnswer the question briefly.\nSign off as Keel Support.';
const v3 = 'You are a helpful support agent.\nGreet {{customer}} by name.\nAnswer the question in one sentence.\nSign off as Keel Support.';

describe.skipIf(!hasChromium)(`web UI prompt registry (${hasChromium ? 'Chromium' : noChromiumReason})`, () => {
  let keel: TestServer;
  let browser: Browser;
  let client: KeelClient;
  const labelOf = async (label: string) => (await client.prompts.get(prompt, { label, cacheTtlMs: 0 })).version;
  const open = async (path: string, apiKey = keel.adminKey): Promise<Page> => {
    const page = await browser.newPage();
    await signInWithKey(page, keel.url, apiKey);
    await page.goto(`${keel.url}/p/default/prompts${path}`);
    return page;
  };

  beforeAll(async () => {
    keel = await startTestServer();
    browser = await launchBrowser();
    client = createKeelClient({ baseUrl: keel.url, apiKey: keel.adminKey });
    await client.prompts.create({ name: prompt, type: 'text', template: v1, variables: ['customer'], labels: ['production'], commitMessage: 'first draft', config: { model: 'gpt-4o-mini', temperature: 0.2 } });
    await client.prompts.create({ name: prompt, type: 'text', template: v2, variables: ['customer'], labels: ['staging'], commitMessage: 'shorter answers', config: { model: 'gpt-4o', temperature: 0.2 } });
    await client.prompts.create({ name: prompt, type: 'text', template: v3, variables: ['customer'], commitMessage: 'one sentence', config: { model: 'gpt-4o', temperature: 0.2 } });
    await client.prompts.create({ name: 'summarize', type: 'chat', messages: [{ role: 'system', content: 'Summarize the ticket.' }] });

    // LLM calls that name the prompt version, sent over OTLP by the SDK's tracing, with fixed times, tokens and cost.
    const tracing = createKeelTracing({ url: keel.url, apiKey: keel.adminKey, serviceName: 'support-bot' });
    const start = Date.now() - 10 * 60_000;
    const call = (version: number, offsetMs: number, latencyMs: number, inputTokens: number, outputTokens: number, cost: number): string => {
      const span = tracing.tracer.startSpan('chat gpt-4o', {
        startTime: start + offsetMs,
        attributes: {
          'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': inputTokens, 'gen_ai.usage.output_tokens': outputTokens,
          'gen_ai.usage.cost': cost, 'keel.prompt.name': prompt, 'keel.prompt.version': version,
        },
      });
      span.end(start + offsetMs + latencyMs);
      return span.spanContext().traceId;
    };
    call(1, 0, 400, 100, 20, 0.01);
    call(1, 1000, 600, 120, 30, 0.01);
    const scored = call(2, 2000, 250, 80, 10, 0.03);
    await tracing.shutdown();
    expect(tracing.stats().exported).toBe(3);
    await client.traces.score(scored, { name: 'helpfulness', dataType: 'numeric', value: 0.9 });
  });
  afterAll(async () => {
    await browser?.close();
    await keel?.close();
  });

  it('lists the prompts with type, latest version and labels', async () => {
    const page = await open('');
    await page.getByRole('table', { name: 'Prompts' }).waitFor();
    const rows = await tableRows(page, 'Prompts');
    expect(rows.map((row) => row.slice(0, 4)).sort()).toEqual([
      ['summarize', 'chat', 'v1', '—'],
      ['support-reply', 'text', 'v3', 'production → v1staging → v2'],
    ]);
    await saveScreenshot(page, 'prompts');
    await page.getByRole('link', { name: prompt }).click();
    await page.getByRole('heading', { name: prompt, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/p/default/prompts/${prompt}`);
    await page.close();
  });

  it('shows the versions and a side-by-side diff of the two versions named in the URL', async () => {
    const page = await open(`/${prompt}?left=1&right=2`);
    await page.getByRole('table', { name: 'Versions' }).waitFor();
    const versions = await tableRows(page, 'Versions');
    expect(versions.map((row) => [row[0], row[1], row[4]])).toEqual([['v3', 'text', 'one sentence'], ['v2', 'text', 'shorter answers'], ['v1', 'text', 'first draft']]);
    expect(versions[2]?.[2]).toContain('production');
    expect(versions[1]?.[2]).toContain('staging');

    const diff = page.getByRole('table', { name: 'Diff of version 1 and version 2' });
    await diff.waitFor();
    await expect(diff.locator('td[data-op="remove"]').allTextContents()).resolves.toEqual(['removed: Greet {{customer}} politely.', 'removed: Answer the question.']);
    await expect(diff.locator('td[data-op="add"]').allTextContents()).resolves.toEqual(['added: Greet {{customer}} by name.', 'added: Answer the question briefly.', 'added: Sign off as Keel Support.']);
    // Unchanged lines face each other: one row, the same text on both sides.
    await expect(diff.locator('tbody tr').first().locator('td[data-op="equal"]').allTextContents()).resolves.toEqual(['You are a helpful support agent.', 'You are a helpful support agent.']);
    // Removed lines face the added ones; the extra added line faces a blank.
    await expect(diff.locator('tbody tr').nth(3).locator('td[data-op]').allTextContents()).resolves.toEqual(['added: Sign off as Keel Support.']);
    await expect(page.getByRole('region', { name: 'Config changes' }).textContent()).resolves.toContain('model "gpt-4o-mini" → "gpt-4o"');
    await saveScreenshot(page, 'prompt-diff');
    // Readable in dark too: removed and added lines keep their colours.
    await page.getByLabel('Theme').selectOption('dark');
    await page.waitForFunction("document.documentElement.dataset.theme === 'dark'");
    await saveScreenshot(page, 'prompt-diff-dark');
    await page.getByLabel('Theme').selectOption('light');

    // Choosing another version updates the URL and the diff.
    await page.getByLabel('Right version').selectOption('3');
    await page.waitForURL((url) => url.searchParams.get('right') === '3' && url.searchParams.get('left') === '1');
    const other = page.getByRole('table', { name: 'Diff of version 1 and version 3' });
    await other.waitFor();
    await expect(other.locator('td[data-op="add"]').allTextContents()).resolves.toContain('added: Answer the question in one sentence.');

    // Without ?left/?right: the one before the newest against the newest.
    await page.goto(`${keel.url}/p/default/prompts/${prompt}`);
    await page.getByRole('table', { name: 'Diff of version 2 and version 3' }).waitFor();
    await expect(page.getByRole('table', { name: 'Diff of version 2 and version 3' }).locator('td[data-op="remove"]').allTextContents()).resolves.toEqual(['removed: Answer the question briefly.']);
    await page.close();
  });

  it('moves production only after the confirmation dialog: Cancel keeps it, Confirm moves it', async () => {
    const page = await open(`/${prompt}`);
    const labels = page.getByRole('table', { name: 'Labels' });
    await labels.waitFor();
    expect(await tableRows(page, 'Labels')).toContainEqual(['production', 'v1', expect.stringContaining('v1') as string]);
    const dialog = page.getByRole('dialog');

    await page.getByLabel('Move production to').selectOption('2');
    await page.getByRole('button', { name: 'Move production' }).click();
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain(`Move production of ${prompt} from version 1 to version 2?`);
    await saveScreenshot(page, 'prompt-label-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await labelOf('production')).toBe(1);
    expect((await tableRows(page, 'Labels')).find((row) => row[0] === 'production')?.[1]).toBe('v1');

    // Again, confirming with the keyboard this time.
    await page.getByRole('button', { name: 'Move production' }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Confirm' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'production moved from v1 to v2.' }).waitFor();
    await labels.locator('tr[data-label="production"] td').nth(1).filter({ hasText: 'v2' }).waitFor();
    expect(await labelOf('production')).toBe(2);
    await page.getByRole('table', { name: 'Label history' }).locator('tbody tr').first().filter({ hasText: 'v1 → v2' }).waitFor();
    const history = await tableRows(page, 'Label history');
    expect(history.map((row) => row.slice(1, 3))).toEqual([['production', 'v1 → v2'], ['staging', 'set to v2'], ['production', 'set to v1']]);
    expect((await tableRows(page, 'Versions')).find((row) => row[0] === 'v2')?.[2]).toContain('production');

    // Other labels move without asking.
    await page.getByLabel('Move staging to').selectOption('3');
    await page.getByRole('button', { name: 'Move staging' }).click();
    await page.getByRole('status').filter({ hasText: 'staging moved from v2 to v3.' }).waitFor();
    await expect(dialog.isVisible()).resolves.toBe(false);
    expect(await labelOf('staging')).toBe(3);
    await page.close();
  });

  it('shows inline why a label move was refused', async () => {
    const reader = await client.keys.create({ role: 'read', name: 'ui-reader' });
    const page = await open(`/${prompt}`, reader.secret);
    await page.getByRole('table', { name: 'Labels' }).waitFor();
    const before = await labelOf('staging');
    await page.getByLabel('Set label').fill('canary');
    await page.getByRole('button', { name: 'Set label' }).click();
    await page.getByRole('alert').filter({ hasText: 'Could not move canary' }).waitFor();
    await expect(page.getByRole('alert').filter({ hasText: 'Could not move canary' }).textContent()).resolves.toMatch(/write/i);
    await expect(client.prompts.get(prompt, { label: 'canary', cacheTtlMs: 0 })).rejects.toMatchObject({ status: 404 });
    expect(await labelOf('staging')).toBe(before);
    await page.close();
  });

  it('says so when the prompt does not exist', async () => {
    const page = await open('/no-such-prompt');
    await page.getByRole('alert').first().waitFor();
    // One error, naming the prompt; nothing else of the page is drawn.
    await expect(page.getByRole('alert').allTextContents()).resolves.toEqual([expect.stringMatching(/^Could not load this\..*no-such-prompt/)]);
    await expect(page.getByRole('table').count()).resolves.toBe(0);
    await page.close();
  });

  it('shows usage per version: calls, tokens, latency, cost and scores', async () => {
    const page = await open(`/${prompt}`);
    await page.getByRole('table', { name: 'Usage per version' }).waitFor();
    const rows = await tableRows(page, 'Usage per version');
    expect(rows.map((row) => [row[0], row[1], row[2], row[3], row[6]])).toEqual([
      ['v1', '2', '220', '50', '$0.02'],
      ['v2', '1', '80', '10', '$0.03'],
    ]);
    expect(rows[1]?.[4]).toBe('250 ms');
    expect(rows[1]?.[7]).toBe('helpfulness 0.9 (1)');
    expect(rows[0]?.[7]).toBe('—');

    // A window without calls says so.
    const empty = await open(`/summarize?usage=24h`);
    await empty.getByText('No traced calls name this prompt in this window.', { exact: false }).waitFor();
    await expect(empty.getByLabel('Window').inputValue()).resolves.toBe('24h');
    await empty.close();
    await page.close();
  });

  it('reads the prompt list page by page: a prompt beyond the first page is reached by scrolling', async () => {
    // 2 prompts already; 105 more make 107, past the first page of 100 (by name: summarize, support-reply, zz-bulk-000 … 097).
    for (let index = 0; index < 105; index += 1) await client.prompts.create({ name: `zz-bulk-${String(index).padStart(3, '0')}`, type: 'text', template: `Template ${index}` });
    const page = await open('');
    const table = page.getByRole('table', { name: 'Prompts' });
    await table.waitFor();
    await expect(page.locator('.paged-list-footer [role="status"]').textContent()).resolves.toBe('100 prompts shown; scroll or load more.');
    await expect(table.locator('tbody tr').count()).resolves.toBe(100);
    await expect(table.getByRole('link', { name: 'zz-bulk-104' }).count()).resolves.toBe(0);

    await page.getByRole('button', { name: 'Load more' }).scrollIntoViewIfNeeded();
    await page.getByText('107 prompts shown.').waitFor();
    expect((await tableRows(page, 'Prompts')).map((row) => row[0]).slice(-2)).toEqual(['zz-bulk-103', 'zz-bulk-104']);
    await page.getByText('107 prompts shown.').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'prompts-paged');
    await table.getByRole('link', { name: 'zz-bulk-104' }).click();
    await page.getByRole('heading', { name: 'zz-bulk-104', level: 1 }).waitFor();
    await page.close();
  });
});
