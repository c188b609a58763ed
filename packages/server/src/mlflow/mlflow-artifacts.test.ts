import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearerAuth, createMlflowExperiment, createMlflowLoggedModel, createMlflowRun, expectMlflowError, expectOk, listTree, type MlflowHttp, mlflowHttp, startTestServer, type TestServer,
} from '@keel/testing';

/** MLflow's artifact proxy (mlflow-rest-api.md §5) as `HttpArtifactRepository` uses it. */

let server: TestServer;
let client: MlflowHttp;

beforeAll(async () => {
  server = await startTestServer();
  client = mlflowHttp(server.url, bearerAuth(server.adminKey));
});
afterAll(async () => {
  await server.close();
});

const proxy = (artifactPath: string) => `/api/2.0/mlflow-artifacts/artifacts/${artifactPath}`;

interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

async function listed(artifactPath: string): Promise<FileInfo[]> {
  const { files } = expectOk<{ files?: FileInfo[] }>(await client.get('/api/2.0/mlflow-artifacts/artifacts', { path: artifactPath }));
  return [...(files ?? [])].sort((a, b) => (a.path < b.path ? -1 : 1));
}

async function download(artifactPath: string): Promise<{ status: number; bytes: Uint8Array; type: string | null; headers: Headers }> {
  const response = await fetch(`${server.url}${proxy(artifactPath)}`, { headers: { authorization: `Bearer ${server.adminKey}` } });
  return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()), type: response.headers.get('content-type'), headers: response.headers };
}

/** `<exp>/<run>/artifacts` of a new run. */
async function newRunRoot(): Promise<{ root: string; experimentId: string; runId: string; artifactUri: string }> {
  const experimentId = await createMlflowExperiment(client);
  const run = await createMlflowRun(client, experimentId);
  return { root: `${experimentId}/${run.run_id}/artifacts`, experimentId, runId: run.run_id, artifactUri: run.artifact_uri };
}

describe('upload and download', () => {
  it('every byte value survives the round trip', async () => {
    const { root } = await newRunRoot();
    const bytes = Uint8Array.from({ length: 4096 }, (_unused, index) => (index * 7) % 256);
    expect(expectOk(await client.put(proxy(`${root}/data/blob.bin`), bytes, 'application/octet-stream'))).toEqual({});
    const answer = await download(`${root}/data/blob.bin`);
    expect(answer.status).toBe(200);
    expect(answer.bytes).toEqual(bytes);
    expect(answer.headers.get('content-length')).toBe(String(bytes.length));
  });

  it('an empty file is stored as an empty file (log_artifact of an empty file sends no body)', async () => {
    const { root } = await newRunRoot();
    expect(expectOk(await client.put(proxy(`${root}/empty.txt`), new Uint8Array(0), 'text/plain'))).toEqual({});
    expect(expectOk(await client.send('PUT', proxy(`${root}/no-content-type`)))).toEqual({});
    expect(await listed(root)).toEqual([
      { path: 'empty.txt', is_dir: false, file_size: 0 },
      { path: 'no-content-type', is_dir: false, file_size: 0 },
    ]);
    const answer = await download(`${root}/empty.txt`);
    expect({ status: answer.status, length: answer.bytes.length }).toEqual({ status: 200, length: 0 });
    const stored = listTree(path.join(server.home, 'artifacts'));
    expect(stored.filter((entry) => entry.includes('.upload-'))).toEqual([]);
  });

  it('a second upload to the same path replaces the file', async () => {
    const { root } = await newRunRoot();
    expectOk(await client.put(proxy(`${root}/notes.txt`), 'first version, longer', 'text/plain'));
    expectOk(await client.put(proxy(`${root}/notes.txt`), 'second', 'text/plain'));
    expect(new TextDecoder().decode((await download(`${root}/notes.txt`)).bytes)).toBe('second');
    expect(await listed(root)).toEqual([{ path: 'notes.txt', is_dir: false, file_size: 6 }]);
  });

  it('downloads are typed by extension, HTML and SVG go out as text, and nosniff is set', async () => {
    const { root } = await newRunRoot();
    const files: [string, string][] = [
      ['plot.png', 'image/png'],
      ['metrics.json', 'application/json'],
      ['report.html', 'text/plain; charset=utf-8'],
      ['chart.svg', 'text/plain; charset=utf-8'],
      ['model.pkl', 'application/octet-stream'],
    ];
    for (const [name] of files) expectOk(await client.put(proxy(`${root}/${name}`), `<b>${name}</b>`, 'application/octet-stream'));
    for (const [name, type] of files) {
      const answer = await download(`${root}/${name}`);
      expect({ name, type: answer.type, nosniff: answer.headers.get('x-content-type-options') }).toEqual({ name, type, nosniff: 'nosniff' });
    }
  });

  it('downloading a missing file or a directory is 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const { root } = await newRunRoot();
    expectOk(await client.put(proxy(`${root}/dir/file.txt`), 'x', 'text/plain'));
    expectMlflowError(await client.get(proxy(`${root}/missing.txt`)), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectMlflowError(await client.get(proxy(`${root}/dir`)), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});

describe('listing', () => {
  it('lists one level with paths relative to the listed directory, sizes for files only', async () => {
    const { root } = await newRunRoot();
    expectOk(await client.put(proxy(`${root}/a.txt`), 'aaa', 'text/plain'));
    expectOk(await client.put(proxy(`${root}/sub/b.txt`), 'bb', 'text/plain'));
    expectOk(await client.put(proxy(`${root}/sub/deeper/c.txt`), 'c', 'text/plain'));
    expect(await listed(root)).toEqual([
      { path: 'a.txt', is_dir: false, file_size: 3 },
      { path: 'sub', is_dir: true },
    ]);
    expect(await listed(`${root}/sub`)).toEqual([
      { path: 'b.txt', is_dir: false, file_size: 2 },
      { path: 'deeper', is_dir: true },
    ]);
    expect(await listed(`${root}/nothing-here`)).toEqual([]);
  });

  it('the tracking-side artifacts/list answers root_uri and paths from the run root', async () => {
    const { root, runId, artifactUri } = await newRunRoot();
    expectOk(await client.put(proxy(`${root}/sub/b.txt`), 'bb', 'text/plain'));
    expect(expectOk(await client.get('artifacts/list', { run_id: runId, run_uuid: runId }))).toEqual({ root_uri: artifactUri, files: [{ path: 'sub', is_dir: true }] });
    expect(expectOk(await client.get('artifacts/list', { run_id: runId, path: 'sub' }))).toEqual({ root_uri: artifactUri, files: [{ path: 'sub/b.txt', is_dir: false, file_size: 2 }] });
  });
});

describe('delete', () => {
  it('deletes a file, then a directory with everything in it; deleting again is 404', async () => {
    const { root } = await newRunRoot();
    expectOk(await client.put(proxy(`${root}/keep.txt`), 'k', 'text/plain'));
    expectOk(await client.put(proxy(`${root}/gone.txt`), 'g', 'text/plain'));
    expectOk(await client.put(proxy(`${root}/dir/one.txt`), '1', 'text/plain'));
    expectOk(await client.put(proxy(`${root}/dir/two/three.txt`), '3', 'text/plain'));
    expect(expectOk(await client.delete(proxy(`${root}/gone.txt`)))).toEqual({});
    expect(expectOk(await client.delete(proxy(`${root}/dir`)))).toEqual({});
    expect(await listed(root)).toEqual([{ path: 'keep.txt', is_dir: false, file_size: 1 }]);
    expectMlflowError(await client.delete(proxy(`${root}/gone.txt`)), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});

describe('paths that do not fit the run layout', () => {
  it('a run named under another experiment is 404, and nothing is written', async () => {
    const { runId } = await newRunRoot();
    const otherExperiment = await createMlflowExperiment(client);
    const before = listTree(path.join(server.home, 'artifacts'));
    expectMlflowError(await client.put(proxy(`${otherExperiment}/${runId}/artifacts/x.txt`), 'x', 'text/plain'), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectMlflowError(await client.get(proxy(`${otherExperiment}/${runId}/artifacts/x.txt`)), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect(listTree(path.join(server.home, 'artifacts'))).toEqual(before);
  });

  it('uploading onto the run\'s artifact root itself is 400 and leaves the run usable', async () => {
    const { root, experimentId, runId } = await newRunRoot();
    expectMlflowError(await client.put(proxy(root), 'x', 'text/plain'), 400, 'INVALID_PARAMETER_VALUE');
    expectMlflowError(await client.put(proxy(`${experimentId}/${runId}`), 'x', 'text/plain'), 400, 'INVALID_PARAMETER_VALUE');
    expectOk(await client.put(proxy(`${root}/after.txt`), 'ok', 'text/plain'));
    expect(await listed(root)).toEqual([{ path: 'after.txt', is_dir: false, file_size: 2 }]);
  });

  it('uploading outside the run\'s artifacts folder is 400 INVALID_PARAMETER_VALUE', async () => {
    const { experimentId, runId } = await newRunRoot();
    const before = listTree(path.join(server.home, 'artifacts'));
    expectMlflowError(await client.put(proxy(`${experimentId}/${runId}/elsewhere.txt`), 'x', 'text/plain'), 400, 'INVALID_PARAMETER_VALUE');
    expectMlflowError(await client.put(proxy(`${experimentId}/${runId}/other/x.txt`), 'x', 'text/plain'), 400, 'INVALID_PARAMETER_VALUE');
    expect(listTree(path.join(server.home, 'artifacts'))).toEqual(before);
  });

  it('a file where a directory is needed, or a directory where a file is uploaded, is 400, not a server error', async () => {
    const { root } = await newRunRoot();
    expectOk(await client.put(proxy(`${root}/file.txt`), 'f', 'text/plain'));
    expectOk(await client.put(proxy(`${root}/dir/inner.txt`), 'i', 'text/plain'));
    expectMlflowError(await client.put(proxy(`${root}/file.txt/child.txt`), 'x', 'text/plain'), 400, 'INVALID_PARAMETER_VALUE');
    expectMlflowError(await client.put(proxy(`${root}/dir`), 'x', 'text/plain'), 400, 'INVALID_PARAMETER_VALUE');
    expect(await listed(root)).toEqual([
      { path: 'dir', is_dir: true },
      { path: 'file.txt', is_dir: false, file_size: 1 },
    ]);
    expect(listTree(path.join(server.home, 'artifacts')).filter((entry) => entry.includes('.upload-'))).toEqual([]);
  });
});

describe('names the file system cannot hold', () => {
  it('a file name longer than 255 bytes is 400 INVALID_PARAMETER_VALUE, not a server error', async () => {
    const { root } = await newRunRoot();
    const before = listTree(path.join(server.home, 'artifacts'));
    expectMlflowError(await client.put(proxy(`${root}/${'n'.repeat(300)}.txt`), 'x', 'text/plain'), 400, 'INVALID_PARAMETER_VALUE');
    expectMlflowError(await client.put(proxy(`${root}/${'d'.repeat(300)}/file.txt`), 'x', 'text/plain'), 400, 'INVALID_PARAMETER_VALUE');
    expect(listTree(path.join(server.home, 'artifacts'))).toEqual(before);
    expectMlflowError(await client.get(proxy(`${root}/${'n'.repeat(300)}.txt`)), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});

describe('logged model artifacts', () => {
  it('live under <exp>/models/<model_id>/artifacts; the wrong experiment or an unknown model is 404', async () => {
    const experimentId = await createMlflowExperiment(client);
    const run = await createMlflowRun(client, experimentId);
    const model = await createMlflowLoggedModel(client, experimentId, run.run_id);
    const root = `${experimentId}/models/${model.info.model_id}/artifacts`;
    expectOk(await client.put(proxy(`${root}/MLmodel`), 'flavors: {}\n', 'application/octet-stream'));
    expect(await listed(root)).toEqual([{ path: 'MLmodel', is_dir: false, file_size: 12 }]);
    const otherExperiment = await createMlflowExperiment(client);
    expectMlflowError(await client.put(proxy(`${otherExperiment}/models/${model.info.model_id}/artifacts/MLmodel`), 'x', 'text/plain'), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectMlflowError(await client.put(proxy(`${experimentId}/models/m-${'0'.repeat(32)}/artifacts/MLmodel`), 'x', 'text/plain'), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});
