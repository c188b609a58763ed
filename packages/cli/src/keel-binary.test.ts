import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createKeelClient } from '@keel/sdk';
import { type TestServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('dist/keel.mjs', () => {
  it('is built by scripts/build.mjs --cli-only and lists runs as JSON from the environment it is given', async () => {
    await run(process.execPath, ['scripts/build.mjs', '--cli-only'], { cwd: repositoryRoot });
    const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
    const experiment = await client.experiments.create({ name: 'bundled' });
    const created = await client.runs.create({ experimentId: experiment.experimentId, runName: 'from-the-binary' });
    await client.runs.logBatch(created.info.runId, { metrics: [{ key: 'loss', value: Number.POSITIVE_INFINITY, timestamp: 1 }] });

    const env = { PATH: process.env.PATH, KEEL_URL: server.url, KEEL_API_KEY: server.adminKey };
    const { stdout, stderr } = await run(process.execPath, ['dist/keel.mjs', 'runs', 'list', '--json'], { cwd: repositoryRoot, env });
    expect(stderr).toBe('');
    const runs = JSON.parse(stdout) as { info: { runId: string; runName: string }; data: { metrics: { value: unknown }[] } }[];
    expect(runs.map((item) => item.info.runName)).toEqual(['from-the-binary']);
    expect(runs[0]?.data.metrics[0]?.value).toBe('Infinity');

    const failed = await run(process.execPath, ['dist/keel.mjs', 'runs', 'get', 'missing'], { cwd: repositoryRoot, env }).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toBe("keel: RESOURCE_DOES_NOT_EXIST: Run 'missing' not found\n");
  }, 60_000);
});
