import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type TestServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeelClient, startRun } from './index.ts';

let server: TestServer;
let workdir: string;
beforeAll(async () => {
  server = await startTestServer();
  workdir = await mkdtemp(path.join(tmpdir(), 'keel-readme-'));
});
afterAll(async () => {
  await server.close();
  await rm(workdir, { recursive: true, force: true });
});

describe('the README example', () => {
  it('runs as written and leaves what it says', async () => {
    const modelFile = path.join(workdir, 'model.onnx');
    await writeFile(modelFile, Buffer.from('not really onnx'));

    // The example, as in README.md (with the file and key of this test).
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
    const run = await startRun(client, { experimentName: 'churn', runName: 'baseline' });
    await run.logParams({ lr: 0.01, depth: 6 });
    for (let step = 0; step < 1000; step += 1) run.logMetric('loss', 1 / (step + 1), step);
    await run.logArtifact(modelFile);
    await run.end();
    await client.registry.createModel({ name: 'churn' });
    const version = await client.registry.createVersion('churn', { runId: run.runId, artifactPath: 'model.onnx' });
    await client.registry.setAlias('churn', 'champion', version.version);

    const stored = await client.runs.get(run.runId);
    expect(stored.info.status).toBe('FINISHED');
    expect(stored.info.runName).toBe('baseline');
    expect(stored.data.params).toEqual([{ key: 'depth', value: '6' }, { key: 'lr', value: '0.01' }]);
    expect(stored.data.metrics).toEqual([expect.objectContaining({ key: 'loss', step: 999, value: 1 / 1000 })]);
    const history = await client.runs.metricHistory(run.runId, 'loss');
    expect(history.items).toHaveLength(1000);
    expect((await client.runs.listArtifacts(run.runId)).map((entry) => entry.path)).toEqual(['model.onnx']);
    const champion = await client.registry.resolveAlias('churn', 'champion');
    expect(champion).toMatchObject({ version: '1', runId: run.runId, source: `runs:/${run.runId}/model.onnx` });
  });
});
