import { createKeelClient } from '@keel/sdk';
import OpenAI from 'openai';
import { type FakeOpenAiServer, type GatewayAdmin, type TestServer, exactPercentile, gatewayAdmin, startFakeOpenAiServer, startTestServer } from '@keel/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, hasChromium, launchBrowser, noChromiumReason, saveScreenshot } from './launch-browser.ts';
import { hexId, sendSpans } from './otlp-json.ts';
import { signInWithKey } from './ui-session.ts';

// Project price overrides (USD per 1M tokens) so that the costs are large enough to read (and a reservation of
// 1,024 completion tokens stays within team-a's daily budget).
const prices = { 'gpt-4o-mini': { input: 100, output: 200 }, 'gpt-4o': { input: 300, output: 600 } };

interface Sent {
  key: string;
  model: 'smart' | 'fast';
  inputTokens: number;
  outputTokens: number;
  cost: number;
  error: boolean;
}

const usd = (value: number): string => (value < 0.01 && value > 0 ? `$${value.toPrecision(2)}` : `$${value.toFixed(2)}`);
const sum = (items: readonly Sent[], pick: (item: Sent) => number) => items.reduce((total, item) => total + pick(item), 0);
const integer = (value: number) => new Intl.NumberFormat('en-US').format(value);
/** Durations as the dashboard writes them (under a minute). */
const duration = (ms: number): string => (ms < 1 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);
/** The texts a computed duration may show as: rounding at a .5 boundary may go either way between float sums. */
const durationTexts = (ms: number): string[] => [...new Set([duration(ms - 1e-6), duration(ms), duration(ms + 1e-6)])];

describe.skipIf(!hasChromium)(`web UI gateway dashboard (${hasChromium ? 'Chromium' : noChromiumReason})`, { timeout: 60_000 }, () => {
  let keel: TestServer;
  let upstream: FakeOpenAiServer;
  let admin: GatewayAdmin;
  let browser: Browser;
  const sent: Sent[] = [];

  async function chat(secret: string, key: string, model: 'smart' | 'fast', text: string): Promise<void> {
    const openai = new OpenAI({ baseURL: `${keel.url}/v1`, apiKey: secret, maxRetries: 0 });
    const price = model === 'smart' ? prices['gpt-4o-mini'] : prices['gpt-4o'];
    try {
      const answer = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: text }] });
      const inputTokens = answer.usage?.prompt_tokens ?? 0;
      const outputTokens = answer.usage?.completion_tokens ?? 0;
      sent.push({ key, model, inputTokens, outputTokens, cost: (inputTokens * price.input + outputTokens * price.output) / 1e6, error: false });
    } catch (error) {
      if (!(error instanceof OpenAI.APIError)) throw error;
      sent.push({ key, model, inputTokens: 0, outputTokens: 0, cost: 0, error: true });
    }
  }

  beforeAll(async () => {
    upstream = await startFakeOpenAiServer();
    keel = await startTestServer();
    admin = gatewayAdmin(keel.url, keel.adminKey);
    await admin.configure({
      providers: [{ name: 'primary', type: 'openai-compatible', base_url: upstream.baseURL, api_key: 'sk-upstream' }],
      models: [
        { name: 'smart', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] },
        { name: 'fast', targets: [{ provider: 'primary', model: 'gpt-4o' }] },
      ],
      retry: { attempts: 0, base_delay_ms: 1, max_delay_ms: 5 },
      circuit_breaker: { failures: 50, cooldown_ms: 1000 },
    });
    const settings = await admin.api('GET', '/api/v1/trace-settings');
    const put = await admin.api('PUT', '/api/v1/trace-settings', {
      ...(settings.json as object),
      prices: [
        { pattern: '^gpt-4o-mini(-\\d{4}-\\d{2}-\\d{2})?$', ...prices['gpt-4o-mini'] },
        { pattern: '^gpt-4o(-\\d{4}-\\d{2}-\\d{2})?$', ...prices['gpt-4o'] },
      ],
    });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    const teamA = await admin.createKey('team-a', { limits: { rpm: 60, budget_usd_day: 5, budget_usd_month: 100 } });
    const teamB = await admin.createKey('team-b', { models: ['smart'], limits: { tpm: 10_000 } });
    await admin.createKey('old-key');
    const revoked = await fetch(`${keel.url}/api/v1/gateway/keys/old-key`, { method: 'DELETE', headers: { authorization: `Bearer ${keel.adminKey}` } });
    expect(revoked.status, await revoked.text()).toBe(200);

    for (const text of ['alpha one', 'beta two three', 'gamma']) await chat(teamA, 'team-a', 'smart', text);
    await chat(teamA, 'team-a', 'fast', 'delta four five six');
    for (const text of ['epsilon', 'zeta eta']) await chat(teamB, 'team-b', 'smart', text);
    upstream.failNext(500, 'upstream exploded');
    await chat(teamB, 'team-b', 'smart', 'this one fails');
    expect(sent.map((item) => item.error)).toEqual([false, false, false, false, false, false, true]);
    // Usage counters and spans are written after the answers: wait for both.
    await keel.server.services.gateway.flush();
    await keel.server.services.gatewayUsage.flush();
    // An application's own generation of the same model, 90 s long: not a gateway call, so not in its latency.
    const appStart = Date.now() - 120_000;
    await sendSpans(keel.url, keel.adminKey, [{
      traceId: hexId(0xa99, 16), spanId: hexId(0xa99, 8), name: 'chat gpt-4o-mini', startMs: appStart, endMs: appStart + 90_000, service: 'support-bot',
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18', 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.output_tokens': 5 },
    }]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await keel?.close();
    await upstream?.close();
  });

  async function openDashboard(page: Page): Promise<void> {
    page.setDefaultTimeout(15_000);
    await signInWithKey(page, keel.url, keel.adminKey);
    await page.goto(`${keel.url}/p/default/gateway`);
    await page.getByRole('group', { name: 'Requests' }).waitFor();
  }
  const statValue = (page: Page, label: string) => page.getByRole('group', { name: label, exact: true }).locator('.value').textContent();

  it('shows requests, errors, tokens and cost as sent, charts over time, and usage by key and by model', async () => {
    const page = await browser.newPage();
    await openDashboard(page);
    await expect(statValue(page, 'Requests')).resolves.toBe('7');
    await expect(statValue(page, 'Errors')).resolves.toBe('1');
    await expect(page.getByRole('group', { name: 'Errors', exact: true }).textContent()).resolves.toContain('14.3% error rate');
    await expect(statValue(page, 'Input tokens')).resolves.toBe(integer(sum(sent, (item) => item.inputTokens)));
    await expect(statValue(page, 'Output tokens')).resolves.toBe(integer(sum(sent, (item) => item.outputTokens)));
    await expect(statValue(page, 'Cost')).resolves.toBe(usd(sum(sent, (item) => item.cost)));
    const latency = await statValue(page, 'Latency p50 today');
    expect(latency).toMatch(/\d+(\.\d+)? (ms|s)$/);

    // Six charts, each drawn by uPlot on a canvas.
    const charts = page.getByTestId('chart');
    await expect(charts.count()).resolves.toBe(6);
    await expect(charts.locator('canvas').count()).resolves.toBe(6);
    await expect(charts.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label')))).resolves.toEqual([
      'Requests and errors per day', 'Latency per day (gateway spans)', 'Tokens per day', 'Cost per day (USD)', 'Requests per day by key', 'Cost per day by model (USD)',
    ]);
    await expect(charts.nth(4).locator('.u-legend').textContent()).resolves.toMatch(/team-a.*team-b/);

    const rowOf = async (table: string, name: string) => page.getByRole('table', { name: table }).getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) }).getByRole('cell').allTextContents();
    // Latency per key, worked out here from the spans the gateway wrote (each names its key in the raw
    // attribute keel.gateway.key), not from the trace metrics the page reads.
    const client = createKeelClient({ baseUrl: keel.url, apiKey: keel.adminKey });
    const traces = await client.traces.list({ from: Date.now() - 3_600_000, to: Date.now() + 60_000, limit: 100 });
    const spans = (await Promise.all(traces.items.map(async (trace) => (await client.traces.get(trace.traceId)).spans.map((node) => node.span)))).flat();
    const latencies = (key: string) => spans.filter((span) => span.serviceName === 'keel-gateway' && (span.raw.attributes as Record<string, unknown>)['keel.gateway.key'] === key).map((span) => span.latencyMs);
    expect(await page.getByRole('table', { name: 'Usage by key' }).getByRole('columnheader').allTextContents()).toEqual([
      'Key', 'Requests', 'Errors', 'Error rate', 'Cache hits', 'Input tokens', 'Output tokens', 'Cost', 'Latency p50', 'Latency p95',
    ]);
    for (const key of ['team-a', 'team-b']) {
      const mine = sent.filter((item) => item.key === key);
      const errors = mine.filter((item) => item.error).length;
      const cells = await rowOf('Usage by key', key);
      expect(cells.slice(0, 7)).toEqual([
        String(mine.length), String(errors), `${((errors / mine.length) * 100).toFixed(errors / mine.length < 0.1 ? 2 : 1)}%`, '0',
        integer(sum(mine, (item) => item.inputTokens)), integer(sum(mine, (item) => item.outputTokens)), usd(sum(mine, (item) => item.cost)),
      ]);
      // Every call, the failed one included, is one span of its key.
      const keyLatencies = latencies(key);
      expect(keyLatencies).toHaveLength(mine.length);
      expect(durationTexts(exactPercentile(keyLatencies, 0.5))).toContain(cells[7]);
      expect(durationTexts(exactPercentile(keyLatencies, 0.95))).toContain(cells[8]);
    }
    for (const model of ['smart', 'fast'] as const) {
      const mine = sent.filter((item) => item.model === model);
      const cells = await rowOf('Usage by model', model);
      expect(cells[0]).toBe(String(mine.length));
      expect(cells[6]).toBe(usd(sum(mine, (item) => item.cost)));
    }
    // Latency per model that answered, from the gateway's spans only: five good calls to gpt-4o-mini,
    // not the application's 90 s generation of the same model (which the unfiltered metrics count).
    const latencyRow = await rowOf('Latency by model', 'gpt-4o-mini-2024-07-18');
    expect(latencyRow[0]).toBe('5');
    for (const cell of latencyRow.slice(1, 4)) expect(cell).toMatch(/^\d+(\.\d+)? (ms|s)$/);
    const all = await client.traces.metrics({ from: Date.now() - 3_600_000, to: Date.now() + 60_000, groupBy: 'model' });
    expect(all.rows.find((row) => row.group === 'gpt-4o-mini-2024-07-18')?.count).toBe(6);
    await saveScreenshot(page, 'gateway');
    await page.getByRole('heading', { name: 'By key' }).scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'gateway-by-key');
    await page.close();
  });

  it('lists the virtual keys with their limits and their spend today and this month against the budgets', async () => {
    const page = await browser.newPage();
    await openDashboard(page);
    const keys = page.getByRole('table', { name: 'Virtual keys' });
    const teamA = keys.locator('tr[data-key="team-a"]');
    const spentA = usd(sum(sent.filter((item) => item.key === 'team-a'), (item) => item.cost));
    const cellsA = await teamA.getByRole('cell').allTextContents();
    expect(cellsA.slice(0, 6)).toEqual(['all', '60', '—', '4', `${spentA} of $5.00`, `${spentA} of $100.00`]);
    await expect(page.getByRole('meter', { name: 'team-a spend today' }).getAttribute('aria-valuetext')).resolves.toBe(`${spentA} of $5.00`);
    const cellsB = await keys.locator('tr[data-key="team-b"]').getByRole('cell').allTextContents();
    const spentB = usd(sum(sent.filter((item) => item.key === 'team-b'), (item) => item.cost));
    expect(cellsB.slice(0, 6)).toEqual(['smart', '—', '10,000', '3', `${spentB} no budget`, `${spentB} no budget`]);
    await expect(keys.locator('tr[data-key="old-key"]').getByRole('rowheader').textContent()).resolves.toContain('revoked');
    await keys.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'gateway-keys');
    await page.close();

    // The same page in dark mode, for the eye.
    const dark = await launchBrowser({ colorScheme: 'dark' });
    try {
      const darkPage = await dark.newPage();
      await openDashboard(darkPage);
      await saveScreenshot(darkPage, 'gateway-dark');
    } finally {
      await dark.close();
    }
  });
});
