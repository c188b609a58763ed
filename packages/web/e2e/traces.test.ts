import { createKeelClient } from '@keel/sdk';
import { type TestServer, startTestServer } from '@keel/testing';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, hasChromium, launchBrowser, noChromiumReason, saveScreenshot } from './launch-browser.ts';
import { type TestSpan, hexId, sendSpans } from './otlp-json.ts';
import { signInWithKey } from './ui-session.ts';

const traceA = hexId(0xa1, 16);
const traceB = hexId(0xb2, 16);
const traceC = hexId(0xc3, 16);
const span = (trace: string, n: number) => `${trace.slice(0, 8)}${hexId(n, 4)}`;
const fillers = 230;
const traceBig = hexId(0xd4, 16);
const groups = 50;
const stepsPerGroup = 100;
const bigSpanId = (n: number) => hexId(0xd4000000 + n, 8);
const groupSpanId = (group: number) => bigSpanId(1 + group * (stepsPerGroup + 1));
const stepSpanId = (group: number, step: number) => bigSpanId(2 + group * (stepsPerGroup + 1) + step);

/** One trace of 5,051 spans: a root, 50 groups under it and 100 steps in each, all in order. */
function bigTraceSpans(start: number): TestSpan[] {
  const spans: TestSpan[] = [{ traceId: traceBig, spanId: bigSpanId(0), name: 'bulk-import', startMs: start, endMs: start + groups * stepsPerGroup + 10, attributes: { 'openinference.span.kind': 'AGENT' } }];
  for (let group = 0; group < groups; group += 1) {
    const groupStart = start + 5 + group * stepsPerGroup;
    const groupId = groupSpanId(group);
    const label = String(group).padStart(2, '0');
    spans.push({ traceId: traceBig, spanId: groupId, parentSpanId: bigSpanId(0), name: `group-${label}`, startMs: groupStart, endMs: groupStart + stepsPerGroup, attributes: { 'openinference.span.kind': 'CHAIN' } });
    for (let step = 0; step < stepsPerGroup; step += 1) {
      spans.push({
        traceId: traceBig, spanId: stepSpanId(group, step), parentSpanId: groupId, name: `step-${label}-${String(step).padStart(2, '0')}`,
        startMs: groupStart + step, endMs: groupStart + step + 1, attributes: { 'openinference.span.kind': 'TOOL', 'tool.name': 'load_row', 'input.value': `row ${group * stepsPerGroup + step}` },
      });
    }
  }
  return spans;
}

/** Two turns of a support conversation (retrieval, a generation with a tool call, the tool), a failed batch job, and filler traces. */
function seedSpans(now: number): TestSpan[] {
  const a = now - 10 * 60_000;
  const b = a + 60_000;
  const c = a + 120_000;
  const spans: TestSpan[] = [
    {
      traceId: traceA, spanId: span(traceA, 1), name: 'support-turn', startMs: a, endMs: a + 1200,
      attributes: { 'openinference.span.kind': 'AGENT', 'session.id': 'sess-42', 'user.id': 'alice', 'tag.tags': ['prod', 'vip'], 'input.value': 'Where is my order 1234?', 'output.value': 'Your order 1234 has shipped.' },
    },
    {
      traceId: traceA, spanId: span(traceA, 2), parentSpanId: span(traceA, 1), name: 'search-docs', startMs: a + 20, endMs: a + 120,
      attributes: { 'openinference.span.kind': 'RETRIEVER', 'retrieval.documents.0.document.id': 'doc-7', 'retrieval.documents.0.document.content': 'Orders ship within 2 days.', 'retrieval.documents.0.document.score': 0.92 },
    },
    {
      traceId: traceA, spanId: span(traceA, 3), parentSpanId: span(traceA, 1), name: 'chat gpt-4o', startMs: a + 150, endMs: a + 900,
      attributes: {
        'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 120, 'gen_ai.usage.output_tokens': 18, 'session.id': 'sess-42', 'user.id': 'alice',
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'You are a helpful support agent.' }]),
        'gen_ai.input.messages': JSON.stringify([
          { role: 'user', parts: [{ type: 'text', content: 'Where is my order 1234?' }] },
          { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_order', arguments: { order_id: '1234' } }] },
          { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: { status: 'shipped' } }] },
        ]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Your order 1234 has shipped.' }], finish_reason: 'stop' }]),
      },
    },
    {
      traceId: traceA, spanId: span(traceA, 4), parentSpanId: span(traceA, 1), name: 'get_order', startMs: a + 920, endMs: a + 1100,
      attributes: { 'openinference.span.kind': 'TOOL', 'tool.name': 'get_order', 'input.value': '{"order_id":"1234"}', 'input.mime_type': 'application/json', 'output.value': '{"status":"shipped"}', 'output.mime_type': 'application/json' },
    },
    {
      traceId: traceB, spanId: span(traceB, 1), name: 'support-turn', startMs: b, endMs: b + 700,
      attributes: {
        'openinference.span.kind': 'AGENT', 'session.id': 'sess-42', 'user.id': 'alice', 'input.mime_type': 'application/json',
        'input.value': JSON.stringify([{ role: 'user', content: 'Where is my order 1234?' }, { role: 'assistant', content: 'Your order 1234 has shipped.' }, { role: 'user', content: 'Thanks! When will it arrive?' }]),
        'output.value': 'It should arrive on Friday.',
      },
    },
    {
      traceId: traceB, spanId: span(traceB, 2), parentSpanId: span(traceB, 1), name: 'chat gpt-4o', startMs: b + 50, endMs: b + 650,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 150, 'gen_ai.usage.output_tokens': 9, 'session.id': 'sess-42' },
    },
    {
      traceId: traceC, spanId: span(traceC, 1), name: 'nightly-batch', startMs: c, endMs: c + 3000, error: 'upstream timed out',
      attributes: { 'user.id': 'bob', 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 200 },
    },
  ];
  for (let index = 0; index < fillers; index += 1) {
    const trace = hexId(0x100000 + index, 16);
    spans.push({ traceId: trace, spanId: span(trace, 1), name: 'filler-job', startMs: a - (index + 1) * 1000, endMs: a - (index + 1) * 1000 + 5, attributes: { 'user.id': 'robot' } });
  }
  return spans;
}

const footer = (page: Page) => page.locator('.list-footer');
/** Whether a span row lies in the tree's view (below its sticky column heads), not only in the page. */
const inView = (row: Locator): Promise<boolean> =>
  row.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const tree = element.closest('[role="tree"]');
    const head = tree?.querySelector('.span-tree-head');
    if (tree === null || tree === undefined || head === null || head === undefined) return false;
    return box.top >= head.getBoundingClientRect().bottom - 0.5 && box.bottom <= tree.getBoundingClientRect().bottom + 0.5;
  });
const traceRows = (page: Page) => page.getByRole('table', { name: 'Traces' }).locator('[role="row"][data-key]');

describe.skipIf(!hasChromium)(`web UI traces and sessions (${hasChromium ? 'Chromium' : noChromiumReason})`, { timeout: 60_000 }, () => {
  let keel: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    keel = await startTestServer();
    browser = await launchBrowser();
    await sendSpans(keel.url, keel.adminKey, seedSpans(Date.now()));
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await signInWithKey(page, keel.url, keel.adminKey);
  });
  afterAll(async () => {
    await browser?.close();
    await keel?.close();
  });

  it('lists traces with their numbers, pages on through the cursor as the user scrolls, and narrows with filters kept in the URL', async () => {
    await page.goto(`${keel.url}/p/default/traces`);
    const rowA = page.locator(`[role="row"][data-key="${traceA}"]`);
    await rowA.waitFor();
    const cells = await rowA.getByRole('cell').allTextContents();
    // time, name, duration, tokens, cost, status, model, user, session
    expect(cells.slice(1)).toEqual(['support-turn', '1.20 s', '138', '$0.00048', 'ok', 'gpt-4o', 'alice', 'sess-42']);
    const cellsC = await page.locator(`[role="row"][data-key="${traceC}"]`).getByRole('cell').allTextContents();
    expect(cellsC.slice(1)).toEqual(['nightly-batch', '3.00 s', '1,200', '$0.00027', 'error', 'gpt-4o-mini', 'bob', '—']);
    // Newest first: the batch job, then the two turns.
    await expect(traceRows(page).first().getAttribute('data-key')).resolves.toBe(traceC);
    await expect(footer(page).textContent()).resolves.toBe('100 traces shown; scroll for more.');
    await saveScreenshot(page, 'traces');

    // Scrolling to the end (End on a row) reads the next pages with the cursor, until all 233 are there.
    await rowA.focus();
    await page.keyboard.press('End');
    await page.getByText('200 traces shown; scroll for more.').waitFor();
    // The last row keeps the focus; End again goes to the new last row.
    await page.keyboard.press('End');
    await page.getByText(`${fillers + 3} traces shown.`).waitFor();

    // A filter narrows the list and lives in the URL.
    await page.getByRole('textbox', { name: 'User' }).fill('alice');
    await page.getByRole('textbox', { name: 'User' }).press('Enter');
    await page.getByText('2 traces shown.').waitFor();
    expect(new URL(page.url()).searchParams.get('userId')).toBe('alice');
    await expect(traceRows(page).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-key')))).resolves.toEqual([traceB, traceA]);

    // Errors only, on a fresh load of the URL: the filters come back from it.
    await page.goto(`${keel.url}/p/default/traces?window=7d&status=error`);
    await page.getByText('1 trace shown.').waitFor();
    await expect(page.getByRole('checkbox', { name: 'Errors only' }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('combobox', { name: 'Time window' }).inputValue()).resolves.toBe('7d');
    await expect(traceRows(page).getAttribute('data-key')).resolves.toBe(traceC);
    await page.getByRole('textbox', { name: 'User' }).fill('alice');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No traces in this window match these filters.').waitFor();
  });

  it('shows a trace as a span tree with its waterfall, the selected span in detail, and keyboard navigation', async () => {
    await page.goto(`${keel.url}/p/default/traces?userId=alice`);
    await page.locator(`[role="row"][data-key="${traceA}"]`).getByRole('link', { name: 'support-turn' }).click();
    const tree = page.getByRole('tree', { name: 'Spans' });
    await tree.waitFor();
    expect(new URL(page.url()).pathname).toBe(`/p/default/traces/${traceA}`);
    const items = tree.getByRole('treeitem');
    await expect(items.evaluateAll((nodes) => nodes.map((node) => [node.getAttribute('aria-label'), node.getAttribute('aria-level')]))).resolves.toEqual([
      ['support-turn', '1'], ['search-docs', '2'], ['chat gpt-4o', '2'], ['get_order', '2'],
    ]);
    // Bars are placed by start and duration on the 1.2 s trace.
    const bars = await tree.getByTestId('waterfall-bar').evaluateAll((nodes) => nodes.map((node) => [node.getAttribute('data-left'), node.getAttribute('data-width')]));
    expect(bars).toEqual([['0.00', '100.00'], ['1.67', '8.33'], ['12.50', '62.50'], ['76.67', '15.00']]);
    const box = await tree.getByTestId('waterfall-bar').nth(2).boundingBox();
    expect(box?.width).toBeGreaterThan(50);

    // The generation: messages as a conversation with the tool call, tokens and cost.
    await items.nth(2).click();
    await page.waitForURL((url) => url.searchParams.get('span') === span(traceA, 3));
    const detail = page.getByRole('region', { name: 'Span detail' });
    await detail.getByRole('heading', { name: 'chat gpt-4o', level: 2 }).waitFor();
    const input = detail.getByRole('list', { name: 'Input' });
    await expect(input.locator('li').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-role')))).resolves.toEqual(['system', 'user', 'assistant', 'tool']);
    await expect(input.locator('li').nth(1).textContent()).resolves.toContain('Where is my order 1234?');
    const toolCall = input.getByTestId('tool-call');
    await expect(toolCall.textContent()).resolves.toContain('get_order');
    expect(JSON.parse((await toolCall.getByLabel('Arguments of get_order').textContent()) ?? '')).toEqual({ order_id: '1234' });
    await expect(detail.getByRole('list', { name: 'Output' }).textContent()).resolves.toContain('Your order 1234 has shipped.');
    const facts = await detail.locator('.span-facts').textContent();
    expect(facts).toContain('Input tokens120');
    expect(facts).toContain('Output tokens18');
    expect(facts).toContain('Cost$0.00048');
    await expect(detail.getByRole('table', { name: 'Attributes' }).textContent()).resolves.toContain('gen_ai.request.model');
    await saveScreenshot(page, 'trace');
    await page.emulateMedia({ colorScheme: 'dark' });
    await saveScreenshot(page, 'trace-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Keyboard: down to the tool span, left to its parent, left again folds the tree, right opens it.
    await items.nth(2).focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForURL((url) => url.searchParams.get('span') === span(traceA, 4));
    await detail.getByRole('heading', { name: 'get_order', level: 2 }).waitFor();
    await expect(detail.getByTestId('tool-call').getByLabel('Arguments of get_order').textContent()).resolves.toContain('"order_id": "1234"');
    await expect(detail.getByRole('heading', { name: 'Tool result' }).count()).resolves.toBe(1);
    await page.keyboard.press('ArrowLeft');
    await page.waitForURL((url) => url.searchParams.get('span') === span(traceA, 1));
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => items.count()).toBe(1);
    await expect(items.first().getAttribute('aria-expanded')).resolves.toBe('false');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => items.count()).toBe(4);
    await page.keyboard.press('ArrowDown');
    await page.waitForURL((url) => url.searchParams.get('span') === span(traceA, 2));
    await detail.getByRole('heading', { name: 'search-docs', level: 2 }).waitFor();
    const documents = detail.getByRole('list', { name: 'Retrieved documents' });
    await expect(documents.textContent()).resolves.toContain('Orders ship within 2 days.');
    await expect(documents.textContent()).resolves.toContain('score 0.92');

    // The span in the URL is selected on a fresh load.
    await page.reload();
    await tree.waitFor();
    await expect(page.getByRole('treeitem', { selected: true }).getAttribute('aria-label')).resolves.toBe('search-docs');
  });

  it('shows a failed trace with its error, opened from the list with the keyboard', async () => {
    await page.goto(`${keel.url}/p/default/traces?status=error`);
    const row = page.locator(`[role="row"][data-key="${traceC}"]`);
    await row.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'nightly-batch', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/p/default/traces/${traceC}`);
    const detail = page.getByRole('region', { name: 'Span detail' });
    await expect(detail.getByRole('note', { name: 'Error' }).textContent()).resolves.toBe('upstream timed out');
    await expect(page.getByLabel('Trace summary').textContent()).resolves.toContain('Tokens 1,000 in / 200 out');
  });

  it('adds a score by hand, which then shows on the trace and through the SDK', async () => {
    await page.goto(`${keel.url}/p/default/traces/${traceA}`);
    await page.getByText('No scores yet.').waitFor();
    const form = page.getByRole('form', { name: 'Add a score' });
    await form.getByLabel('Score name').fill('helpfulness');
    await form.getByLabel('Value').fill('0.8');
    await form.getByLabel('Comment').fill('clear answer');
    await form.getByRole('button', { name: 'Add score' }).click();
    const table = page.getByRole('table', { name: 'Scores' });
    await table.waitFor();
    const cells = await table.locator('tbody tr').first().locator('td').allTextContents();
    expect(cells.slice(0, 5)).toEqual(['helpfulness', '0.8', 'human', '—', 'clear answer']);

    const client = createKeelClient({ baseUrl: keel.url, apiKey: keel.adminKey });
    const { scores } = await client.traces.get(traceA);
    expect(scores).toHaveLength(1);
    expect(scores[0]).toMatchObject({ name: 'helpfulness', dataType: 'numeric', value: 0.8, source: 'human', comment: 'clear answer', spanId: null });

    // A bad value is refused in the form, and nothing is stored.
    await form.getByLabel('Score name').fill('broken');
    await form.getByLabel('Value').fill('not a number');
    await form.getByRole('button', { name: 'Add score' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('A numeric score needs a number.');
    expect((await client.traces.get(traceA)).scores).toHaveLength(1);
  });

  it('lists sessions and shows one as a conversation, linking to each trace', async () => {
    await page.goto(`${keel.url}/p/default/sessions`);
    const row = page.locator('[role="row"][data-key="sess-42"]');
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells[0]).toBe('sess-42');
    expect(cells[1]).toBe('2');
    expect(cells[5]).toBe('alice');
    expect(cells[6]).toBe(String(138 + 159));
    await saveScreenshot(page, 'sessions');
    await row.getByRole('link', { name: 'sess-42' }).click();

    const conversation = page.getByRole('list', { name: 'Conversation' });
    await conversation.waitFor();
    const turns = conversation.locator('li.session-turn');
    await expect(turns.count()).resolves.toBe(2);
    const first = turns.nth(0);
    await expect(first.getByRole('list', { name: 'Turn input' }).textContent()).resolves.toBe('userWhere is my order 1234?');
    await expect(first.getByRole('list', { name: 'Turn output' }).textContent()).resolves.toBe('assistantYour order 1234 has shipped.');
    // The second turn's input repeats the conversation; only what is new is shown.
    await expect(turns.nth(1).getByRole('list', { name: 'Turn input' }).textContent()).resolves.toBe('userThanks! When will it arrive?');
    await expect(turns.nth(1).getByRole('list', { name: 'Turn output' }).textContent()).resolves.toBe('assistantIt should arrive on Friday.');
    await saveScreenshot(page, 'session');
    await turns.nth(1).getByRole('link', { name: 'support-turn' }).click();
    await page.getByRole('tree', { name: 'Spans' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/p/default/traces/${traceB}`);
  });

  it('draws only the rows in view of a trace with thousands of spans, and reaches its last span by scrolling and by keys', async () => {
    const spans = bigTraceSpans(Date.now() - 5 * 60_000);
    await sendSpans(keel.url, keel.adminKey, spans);
    const lastSpan = spans.at(-1) as TestSpan;
    await page.goto(`${keel.url}/p/default/traces/${traceBig}`);
    const tree = page.getByRole('tree', { name: 'Spans' });
    const items = tree.getByRole('treeitem');
    await items.first().waitFor();
    await expect(page.getByLabel('Trace summary').textContent()).resolves.toContain(`Spans ${(spans.length).toLocaleString('en-US')}`);
    await expect(items.evaluateAll((nodes) => nodes.slice(0, 3).map((node) => [node.getAttribute('aria-label'), node.getAttribute('aria-level')]))).resolves.toEqual([
      ['bulk-import', '1'], ['group-00', '2'], ['step-00-00', '3'],
    ]);
    // Far fewer rows (and waterfall bars) in the page than spans in the trace. Rows are drawn for
    // the tree's measured height, which a busy machine can measure a frame late (CI once counted 1).
    await expect.poll(() => items.count()).toBeGreaterThan(5);
    const drawn = await items.count();
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(100);
    await expect(tree.getByTestId('waterfall-bar').count()).resolves.toBe(drawn);

    // Scrolled to the end, the last span is drawn (and still only a few rows), and clicking it shows it in detail.
    await tree.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    const last = tree.getByRole('treeitem', { name: lastSpan.name });
    await last.waitFor();
    await expect(last.getAttribute('aria-posinset')).resolves.toBe(String(stepsPerGroup));
    await expect(last.getAttribute('aria-setsize')).resolves.toBe(String(stepsPerGroup));
    await expect(items.count()).resolves.toBeLessThan(100);
    // The rows scrolled away are gone, except the selected one (the root), kept for focus and the tab stop.
    const drawnNames = await items.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label')));
    expect(drawnNames).not.toContain('step-00-00');
    expect(drawnNames).not.toContain('group-00');
    expect(drawnNames[0]).toBe('bulk-import');
    await expect(tree.getByRole('treeitem', { selected: true }).getAttribute('aria-label')).resolves.toBe('bulk-import');
    await last.click();
    await page.waitForURL((url) => url.searchParams.get('span') === lastSpan.spanId);
    const detail = page.getByRole('region', { name: 'Span detail' });
    await detail.getByRole('heading', { name: lastSpan.name, level: 2 }).waitFor();
    await saveScreenshot(page, 'trace-large');

    // Keys: Home goes back to the root (scrolling it into view), End to the last span again.
    await last.focus();
    await page.keyboard.press('Home');
    await page.waitForURL((url) => url.searchParams.get('span') === bigSpanId(0));
    await detail.getByRole('heading', { name: 'bulk-import', level: 2 }).waitFor();
    await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe('bulk-import');
    await expect.poll(() => inView(tree.getByRole('treeitem', { name: 'bulk-import' }))).toBe(true);
    await page.keyboard.press('End');
    await page.waitForURL((url) => url.searchParams.get('span') === lastSpan.spanId);
    await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe(lastSpan.name);
    await expect.poll(() => inView(last)).toBe(true);
    // Left goes to its group, Left again folds the group: the next group follows it.
    await page.keyboard.press('ArrowLeft');
    await page.waitForURL((url) => url.searchParams.get('span') === groupSpanId(49));
    await page.keyboard.press('ArrowLeft');
    await expect(tree.getByRole('treeitem', { name: 'group-49' }).getAttribute('aria-expanded')).resolves.toBe('false');
    await tree.getByRole('treeitem', { name: lastSpan.name }).waitFor({ state: 'detached' });
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.waitForURL((url) => url.searchParams.get('span') === stepSpanId(48, 98));
    await expect.poll(() => inView(tree.getByRole('treeitem', { name: 'step-48-98' }))).toBe(true);
    await detail.getByRole('heading', { name: 'step-48-98', level: 2 }).waitFor();
    // Home, Left folds the root: one row left; Right opens it again.
    await page.keyboard.press('Home');
    await page.waitForURL((url) => url.searchParams.get('span') === bigSpanId(0));
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => items.count()).toBe(1);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => items.count()).toBeGreaterThan(5);

    // A span deep in the trace, given by the URL, is scrolled to and selected on a fresh load.
    await page.goto(`${keel.url}/p/default/traces/${traceBig}?span=${stepSpanId(30, 7)}`);
    const chosen = page.getByRole('treeitem', { selected: true });
    await expect(chosen.getAttribute('aria-label')).resolves.toBe('step-30-07');
    await expect(inView(chosen)).resolves.toBe(true);
    await expect(chosen.getAttribute('tabindex')).resolves.toBe('0');
    await page.getByRole('heading', { name: 'step-30-07', level: 2 }).waitFor();
  });
});
