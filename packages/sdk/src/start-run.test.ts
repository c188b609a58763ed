import { type TestServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKeelClient } from './create-keel-client.ts';
import { startRun } from './start-run.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/** Passes every request through, recording the metric count of each /log request; `fail` may answer instead. */
function recordingFetch(fail?: (call: number) => Response | undefined) {
  const logBatches: number[] = [];
  let logCalls = 0;
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (String(input).endsWith('/log')) {
      logCalls += 1;
      const answer = fail?.(logCalls);
      if (answer !== undefined) return answer;
      const body = JSON.parse(String(init?.body)) as { metrics?: unknown[] };
      logBatches.push(body.metrics?.length ?? 0);
    }
    return globalThis.fetch(input, init);
  };
  return { fetch, logBatches, logCalls: () => logCalls };
}

const hourLater = 3_600_000;

describe('startRun', () => {
  it('sends buffered metrics in batches of 1000 and every value reads back exactly', async () => {
    const recorder = recordingFetch();
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, fetch: recorder.fetch });
    // A long interval: only a full batch or flush() may send.
    const run = await startRun(client, { experimentName: 'buffered', flushIntervalMs: hourLater });
    const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.1 + 0.2, 5e-324, Number.MAX_VALUE, -1.5e-300, 123456789.123456789];
    const values = Array.from({ length: 2500 }, (_, step) => specials[step % specials.length] ?? 0);
    values.forEach((value, step) => run.logMetric('loss', value, step));

    await vi.waitFor(() => expect(recorder.logBatches).toEqual([1000, 1000]));
    // The 500 left over wait for a flush: full batches alone go out on their own.
    expect(recorder.logBatches).toEqual([1000, 1000]);
    await run.flush();
    expect(recorder.logBatches).toEqual([1000, 1000, 500]);

    const history = await client.runs.metricHistory(run.runId, 'loss');
    const byStep = new Map(history.items.map((metric) => [metric.step, metric.value]));
    expect(byStep.size).toBe(2500);
    for (const [step, value] of values.entries()) expect(Object.is(byStep.get(step), value), `step ${step}`).toBe(true);
    await run.end();
  });

  it('flushes in the background on a timer', async () => {
    const recorder = recordingFetch();
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, fetch: recorder.fetch });
    const run = await startRun(client, { experimentName: 'timer', flushIntervalMs: 20 });
    run.logMetrics({ accuracy: 0.5, loss: 2 }, 1);
    await vi.waitFor(() => expect(recorder.logBatches).toEqual([2]));
    const stored = await client.runs.get(run.runId);
    expect(stored.data.metrics.map((metric) => [metric.key, metric.value, metric.step]).sort()).toEqual([
      ['accuracy', 0.5, 1],
      ['loss', 2, 1],
    ]);
    await run.end();
  });

  it('end() flushes, then sets the status and end time', async () => {
    const recorder = recordingFetch();
    const times = [1_700_000_000_000, 1_700_000_000_500, 1_700_000_009_000];
    const now = () => times.shift() ?? 0;
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, fetch: recorder.fetch });
    const run = await startRun(client, { experimentName: 'ending', runName: 'final', tags: { owner: 'ci' }, flushIntervalMs: hourLater, now });
    run.logMetric('rmse', 0.25, 3);
    expect(recorder.logBatches).toEqual([]);
    await run.end('KILLED');
    expect(recorder.logBatches).toEqual([1]);

    const stored = await client.runs.get(run.runId);
    expect(stored.info).toMatchObject({ runName: 'final', status: 'KILLED', startTime: 1_700_000_000_000, endTime: 1_700_000_009_000 });
    expect(stored.data.metrics).toEqual([{ key: 'rmse', value: 0.25, step: 3, timestamp: 1_700_000_000_500 }]);
    expect(stored.data.tags).toContainEqual({ key: 'owner', value: 'ci' });
    expect(() => run.logMetric('rmse', 1)).toThrow(/has ended/);
  });

  it('creates the experiment when the name is new and reuses it after', async () => {
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
    const first = await startRun(client, { experimentName: 'made-by-start-run' });
    const second = await startRun({ baseUrl: server.url, apiKey: server.adminKey }, { experimentName: 'made-by-start-run' });
    expect(second.experimentId).toBe(first.experimentId);
    expect((await client.experiments.getByName('made-by-start-run')).experimentId).toBe(first.experimentId);
    await Promise.all([first.end(), second.end()]);
  });

  it('sends params at once and surfaces a conflicting value', async () => {
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
    const run = await startRun(client, { experimentName: 'params' });
    await run.logParams({ lr: 0.01, layers: 4, augment: true });
    await run.setTags({ 'data/version': 'v3' });
    const stored = await client.runs.get(run.runId);
    expect(stored.data.params).toEqual(expect.arrayContaining([{ key: 'lr', value: '0.01' }, { key: 'layers', value: '4' }, { key: 'augment', value: 'true' }]));
    expect(stored.data.tags).toContainEqual({ key: 'data/version', value: 'v3' });
    await expect(run.logParam('lr', 0.02)).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE', status: 400 });
    await run.logParam('lr', 0.01);
    await run.end();
  });

  it('rejects a bad metric in the caller, before it can spoil a batch', async () => {
    const run = await startRun({ baseUrl: server.url, apiKey: server.adminKey }, { experimentName: 'bad-metrics' });
    expect(() => run.logMetric('../escape', 1)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
    expect(() => run.logMetric('loss', 1, 1.5)).toThrow(/invalid step/);
    await run.end();
  });

  it('keeps a background failure and reports it from the next flush, once', async () => {
    const recorder = recordingFetch((call) => (call === 1 ? Response.json({ error_code: 'PERMISSION_DENIED', message: 'read-only key' }, { status: 403 }) : undefined));
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, fetch: recorder.fetch });
    const run = await startRun(client, { experimentName: 'background-failure', batchSize: 2, flushIntervalMs: hourLater });
    run.logMetric('a', 1);
    run.logMetric('b', 2);
    await vi.waitFor(() => expect(recorder.logCalls()).toBe(1));

    await expect(run.flush()).rejects.toMatchObject({ code: 'PERMISSION_DENIED', status: 403 });
    run.logMetric('c', 3);
    await run.flush();
    expect((await client.runs.get(run.runId)).data.metrics.map((metric) => metric.key)).toEqual(['c']);
    await run.end();
  });

  it('keeps metrics through a transient outage and sends them when the server is back', async () => {
    const recorder = recordingFetch((call) => (call <= 2 ? new Response('', { status: 503 }) : undefined));
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, fetch: recorder.fetch, retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const run = await startRun(client, { experimentName: 'outage', flushIntervalMs: hourLater });
    run.logMetric('loss', 1, 0);
    await expect(run.flush()).rejects.toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE', retryable: true });
    run.logMetric('loss', 0.5, 1);
    await run.end();
    expect(recorder.logBatches).toEqual([2]);
    const history = await client.runs.metricHistory(run.runId, 'loss');
    expect(history.items.map((metric) => metric.value)).toEqual([1, 0.5]);
  });

  it('uploads a file with logArtifact', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const folder = await mkdtemp(path.join(tmpdir(), 'keel-sdk-'));
    const file = path.join(folder, 'model.txt');
    await writeFile(file, 'weights');
    const run = await startRun({ baseUrl: server.url, apiKey: server.adminKey }, {});
    expect(await run.logArtifact(file)).toEqual({ path: 'model.txt', size: 7 });
    expect(await run.logArtifact(file, 'models/best.txt')).toEqual({ path: 'models/best.txt', size: 7 });
    const listed = await run.client.runs.listArtifacts(run.runId);
    expect(listed.map((entry) => entry.path).sort()).toEqual(['model.txt', 'models']);
    await run.end();
  });
});
