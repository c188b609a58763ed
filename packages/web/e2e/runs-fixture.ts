import { type KeelClient, createKeelClient } from '@keel/sdk';
import { type TestServer, startTestServer } from '@keel/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type Browser, launchBrowser } from './launch-browser.ts';
import { tinyPng } from './tiny-png.ts';
import { signInWithKey } from './ui-session.ts';

// The runs the runs-table and run-page suites look at: four runs of one experiment with known
// params and metrics (run-a with a long metric and artifacts), and a second experiment of 620 runs
// for paging.
export const t0 = Date.UTC(2026, 0, 5, 9, 0, 0);
export const specs = [
  { name: 'run-a', lr: '0.1', batch: '32', loss: 0.25, acc: 0.91 },
  { name: 'run-b', lr: '0.01', batch: '32', loss: 0.42, acc: 0.88 },
  { name: 'run-c', lr: '0.001', batch: '64', loss: 0.73, acc: 0.8 },
  { name: 'run-d', lr: '0.1', batch: '64', loss: 0.61, acc: 0.85 },
] as const;
export const sweepSize = 620;
const lossSteps = 50;
export const gradNormPoints = 20_000;
const csvRows = 300;

async function seed(client: KeelClient, { sweep: withSweep }: { sweep: boolean }) {
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

  if (!withSweep) return { mnistId: mnist.experimentId, sweepId: '', ids };
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

export interface RunsFixture {
  readonly keel: TestServer;
  readonly browser: Browser;
  readonly seeded: Awaited<ReturnType<typeof seed>>;
  /** A seeded run's id by name. */
  id(name: string): string;
  /** A signed-in page at `path`. */
  open(path: string): Promise<Page>;
}

/** A keel server seeded with the runs above (the 620-run sweep only when asked) and a browser, for one suite. */
export function useRunsFixture(options: { sweep: boolean }): RunsFixture {
  let keel: TestServer | undefined;
  let browser: Browser | undefined;
  let seeded: Awaited<ReturnType<typeof seed>> | undefined;
  beforeAll(async () => {
    keel = await startTestServer();
    browser = await launchBrowser();
    seeded = await seed(createKeelClient({ baseUrl: keel.url, apiKey: keel.adminKey }), options);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await keel?.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the runs fixture is not set up yet');
    return value;
  };
  return {
    get keel() {
      return ready(keel);
    },
    get browser() {
      return ready(browser);
    },
    get seeded() {
      return ready(seeded);
    },
    id: (name) => ready(seeded).ids[name] as string,
    async open(path) {
      const page = await ready(browser).newPage();
      await signInWithKey(page, ready(keel).url, ready(keel).adminKey);
      await page.goto(`${ready(keel).url}${path}`);
      return page;
    },
  };
}

/** A `table.simple` by its accessible name, as rows of cell texts (header row first). */
export const readTable = (page: Page, name: string): Promise<string[][]> =>
  page.evaluate(`[...document.querySelector(${JSON.stringify(`table[aria-label="${name}"]`)}).querySelectorAll('tr')]
    .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent ?? ''))`);
