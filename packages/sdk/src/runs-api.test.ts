import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { type TestServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeelClient, type KeelClient } from './create-keel-client.ts';
import type { TransferProgress } from './to-upload-body.ts';

let server: TestServer;
let client: KeelClient;
let folder: string;
beforeAll(async () => {
  server = await startTestServer();
  client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
  folder = await mkdtemp(path.join(tmpdir(), 'keel-sdk-runs-'));
});
afterAll(async () => {
  await server.close();
  await rm(folder, { recursive: true, force: true });
});

/** 5 MB that no compression or chunking bug can pass by luck: every byte depends on its offset. */
function fiveMegabytes(): Buffer {
  const bytes = Buffer.alloc(5 * 1024 * 1024);
  let state = 0x9e3779b9;
  for (let index = 0; index < bytes.length; index += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of Readable.fromWeb(stream as NodeReadableStream<Uint8Array>)) chunks.push(chunk as Uint8Array);
  return Buffer.concat(chunks);
}

async function newRun(name: string) {
  const experiment = await client.experiments.create({ name });
  return (await client.runs.create({ experimentId: experiment.experimentId })).info.runId;
}

describe('runs', () => {
  it('round-trips a 5 MB buffer byte-exact, with progress both ways', async () => {
    const runId = await newRun('artifacts-buffer');
    const bytes = fiveMegabytes();
    const sent: TransferProgress[] = [];
    expect(await client.runs.uploadArtifact(runId, 'data/blob.bin', bytes, { onProgress: (progress) => sent.push(progress) })).toEqual({ path: 'data/blob.bin', size: bytes.length });
    expect(sent.at(-1)).toEqual({ bytes: bytes.length, total: bytes.length });
    expect(sent.length).toBeGreaterThan(2);

    const received: TransferProgress[] = [];
    const downloaded = await readAll(await client.runs.downloadArtifact(runId, 'data/blob.bin', { onProgress: (progress) => received.push(progress) }));
    expect(downloaded.length).toBe(bytes.length);
    expect(sha256(downloaded)).toBe(sha256(bytes));
    expect(downloaded.equals(bytes)).toBe(true);
    expect(received.at(-1)).toEqual({ bytes: bytes.length, total: bytes.length });

    expect(await client.runs.listArtifacts(runId, 'data')).toEqual([{ path: 'data/blob.bin', isDir: false, fileSize: bytes.length }]);
    expect(await client.runs.listArtifacts(runId)).toEqual([{ path: 'data', isDir: true }]);
  });

  it('streams a file path up and down to a file path, and takes a Readable', async () => {
    const runId = await newRun('artifacts-files');
    const bytes = fiveMegabytes();
    const source = path.join(folder, 'upload.bin');
    await writeFile(source, bytes);
    expect(await client.runs.uploadArtifact(runId, 'from-file.bin', source)).toEqual({ path: 'from-file.bin', size: bytes.length });
    expect(await client.runs.uploadArtifact(runId, 'from-stream.bin', Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]))).toEqual({ path: 'from-stream.bin', size: bytes.length });

    for (const name of ['from-file.bin', 'from-stream.bin']) {
      const target = path.join(folder, 'nested', 'dir', name);
      expect(await client.runs.downloadArtifact(runId, name, { to: target })).toEqual({ path: target, size: bytes.length });
      expect(sha256(await readFile(target))).toBe(sha256(bytes));
    }
  });

  it('retries an upload it can replay, and not one from a caller\'s stream', async () => {
    const runId = await newRun('artifacts-retry');
    let calls = 0;
    const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      calls += 1;
      if (calls === 1) {
        // Read the body as a server would before failing, so that a reused stream would come back empty.
        await new Response(init?.body, init?.body instanceof ReadableStream ? ({ duplex: 'half' } as ResponseInit) : undefined).arrayBuffer();
        return new Response('', { status: 503 });
      }
      return globalThis.fetch(input, init);
    };
    const flaky = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey, fetch, retry: { baseDelayMs: 1 } });
    const source = path.join(folder, 'retry.bin');
    await writeFile(source, 'replayable');
    expect(await flaky.runs.uploadArtifact(runId, 'retry.bin', source, { onProgress: () => undefined })).toEqual({ path: 'retry.bin', size: 10 });
    expect(calls).toBe(2);

    calls = 0;
    await expect(flaky.runs.uploadArtifact(runId, 'once.bin', Readable.from([Buffer.from('once')]))).rejects.toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE', status: 503 });
    expect(calls).toBe(1);
  });

  it('reports a missing artifact and a missing local file clearly', async () => {
    const runId = await newRun('artifacts-missing');
    await expect(client.runs.downloadArtifact(runId, 'nope.txt')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST', status: 404 });
    const target = path.join(folder, 'never.txt');
    await expect(client.runs.downloadArtifact(runId, 'nope.txt', { to: target })).rejects.toMatchObject({ status: 404 });
    await expect(stat(target)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(client.runs.uploadArtifact(runId, 'x.bin', path.join(folder, 'does-not-exist.bin'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(client.runs.uploadArtifact(runId, '../escape.bin', Buffer.from('x'))).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
  });

  it('searches, updates, deletes and restores runs', async () => {
    const experiment = await client.experiments.create({ name: 'runs-search' });
    const first = await client.runs.create({ experimentId: experiment.experimentId, runName: 'first', tags: { kind: 'baseline' } });
    const second = await client.runs.create({ experimentId: experiment.experimentId, runName: 'second' });
    await client.runs.logBatch(first.info.runId, { metrics: [{ key: 'auc', value: 0.7, timestamp: 1 }], params: { depth: '3' } });
    await client.runs.logBatch(second.info.runId, { metrics: [{ key: 'auc', value: 0.9, timestamp: 1 }] });

    const best = await client.runs.search({ experimentIds: [experiment.experimentId], orderBy: ['metrics.auc DESC'] });
    expect(best.items.map((run) => run.info.runName)).toEqual(['second', 'first']);
    const filtered = await client.runs.search({ experimentIds: [experiment.experimentId], filter: "params.depth = '3'" });
    expect(filtered.items.map((run) => run.info.runId)).toEqual([first.info.runId]);

    const updated = await client.runs.update(first.info.runId, { status: 'FAILED', endTime: 99, runName: 'first-renamed' });
    expect(updated.info).toMatchObject({ status: 'FAILED', endTime: 99, runName: 'first-renamed' });
    expect((await client.runs.delete(second.info.runId)).info.lifecycleStage).toBe('deleted');
    expect((await client.runs.search({ experimentIds: [experiment.experimentId] })).items).toHaveLength(1);
    expect((await client.runs.restore(second.info.runId)).info.lifecycleStage).toBe('active');
    expect((await client.runs.deleteTag(first.info.runId, 'kind')).data.tags.find((tag) => tag.key === 'kind')).toBeUndefined();
  });

  it('downsamples metric history with maxPoints, keeping the extremes', async () => {
    const runId = await newRun('history');
    const metrics = Array.from({ length: 1000 }, (_, step) => ({ key: 'loss', value: step === 500 ? 1000 : Math.sin(step / 50), timestamp: step + 1, step }));
    await client.runs.logBatch(runId, { metrics });
    const full = await client.runs.metricHistory(runId, 'loss');
    expect(full.items).toHaveLength(1000);
    const sampled = await client.runs.metricHistory(runId, 'loss', { maxPoints: 50 });
    expect(sampled.items.length).toBeLessThanOrEqual(60);
    expect(sampled.items.length).toBeGreaterThan(10);
    expect(sampled.items.map((metric) => metric.value)).toContain(1000);
    const page = await client.runs.metricHistory(runId, 'loss', { maxResults: 10 });
    expect(page.items).toHaveLength(10);
    expect(page.nextPageToken).toEqual(expect.any(String));
  });
});
