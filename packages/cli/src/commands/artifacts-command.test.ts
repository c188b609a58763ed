import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKeelClient } from '@keel/sdk';
import { type TestServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureCli } from '../capture-cli.ts';

let server: TestServer;
let env: Record<string, string>;
let folder: string;
let runId: string;

beforeAll(async () => {
  server = await startTestServer();
  env = { KEEL_URL: server.url, KEEL_API_KEY: server.adminKey };
  folder = await mkdtemp(path.join(tmpdir(), 'keel-cli-artifacts-'));
  const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
  runId = (await client.runs.create({ experimentId: (await client.experiments.create({ name: 'files' })).experimentId })).info.runId;
});
afterAll(async () => {
  await server.close();
  await rm(folder, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('keel artifacts', () => {
  it('round-trips a 3 MB file with progress on stderr when asked', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    await writeFile(path.join(folder, 'weights.bin'), bytes);
    const uploaded = await captureCli(['artifacts', 'upload', runId, 'weights.bin', 'model/weights.bin', '--progress'], { env, cwd: folder });
    expect(uploaded.code).toBe(0);
    expect(uploaded.stdout).toBe(`Uploaded weights.bin to runs:/${runId}/model/weights.bin (3.0 MiB).\n`);
    const progressLines = uploaded.stderr.trimEnd().split('\n');
    expect(progressLines.at(-1)).toMatch(/^upload model\/weights\.bin \[#{24}\] 100\.0% {2}3\.0 MiB\/3\.0 MiB {2}\S+ \S+\/s$/);

    const listed = await captureCli(['artifacts', 'list', runId, 'model'], { env });
    expect(listed.stdout).toBe(['PATH                  SIZE', 'model/weights.bin  3.0 MiB', ''].join('\n'));

    const downloaded = await captureCli(['artifacts', 'download', runId, 'model/weights.bin', 'copy/weights.bin', '--progress'], { env, cwd: folder });
    expect(downloaded.code).toBe(0);
    expect(downloaded.stdout).toBe(`Downloaded runs:/${runId}/model/weights.bin to ${path.join(folder, 'copy', 'weights.bin')} (3.0 MiB).\n`);
    expect(downloaded.stderr.trimEnd().split('\n').at(-1)).toMatch(/^download model\/weights\.bin \[#{24}\] 100\.0% {2}3\.0 MiB\/3\.0 MiB/);
    expect(sha256(await readFile(path.join(folder, 'copy', 'weights.bin')))).toBe(sha256(bytes));
  });

  it('draws progress on a terminal only for large files, never into a pipe unless asked', async () => {
    await writeFile(path.join(folder, 'small.txt'), 'tiny');
    const onTerminal = await captureCli(['artifacts', 'upload', runId, 'small.txt'], { env, cwd: folder, stderrIsTTY: true });
    expect(onTerminal).toEqual({ code: 0, stdout: `Uploaded small.txt to runs:/${runId}/small.txt (4 B).\n`, stderr: '' });

    await writeFile(path.join(folder, 'big.bin'), Buffer.alloc(2 * 1024 * 1024, 7));
    const big = await captureCli(['artifacts', 'upload', runId, 'big.bin'], { env, cwd: folder, stderrIsTTY: true });
    expect(big.stderr.startsWith('\rupload big.bin [')).toBe(true);
    expect(big.stderr.endsWith('\n')).toBe(true);
    const piped = await captureCli(['artifacts', 'download', runId, 'big.bin', '--json'], { env, cwd: folder });
    expect(piped.stderr).toBe('');
    expect(JSON.parse(piped.stdout)).toEqual({ runId, artifactPath: 'big.bin', path: path.join(folder, 'big.bin'), size: 2 * 1024 * 1024 });
  });

  it('reports a missing local file and a missing artifact', async () => {
    const noFile = await captureCli(['artifacts', 'upload', runId, 'absent.bin'], { env, cwd: folder });
    expect(noFile.code).toBe(1);
    expect(noFile.stderr).toMatch(/^keel: ENOENT: no such file or directory/);
    const noArtifact = await captureCli(['artifacts', 'download', runId, 'absent.bin'], { env, cwd: folder });
    expect(noArtifact.code).toBe(1);
    expect(noArtifact.stderr).toMatch(/^keel: RESOURCE_DOES_NOT_EXIST: /);
  });
});
