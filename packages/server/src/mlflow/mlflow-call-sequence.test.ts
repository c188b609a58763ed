import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basicAuth, bearerAuth, createMlflowExperiment, createMlflowLoggedModel, createMlflowModelVersion, createMlflowRegisteredModel, createMlflowRun, expectMlflowError, expectOk,
  getMlflowRun, type MlflowHttp, type MlflowLoggedModelJson, type MlflowModelVersionJson, mlflowHttp, type MlflowRunJson, pythonCreateRunBody, startTestServer, type TestServer, uniqueName,
} from '@keel/testing';

/**
 * The requests a 3.x Python client sends for a typical training script (mlflow-rest-api.md §4),
 * one test per step, each building what it needs itself. Half the steps authenticate like
 * MLFLOW_TRACKING_USERNAME/PASSWORD (Basic, key as password), the others like MLFLOW_TRACKING_TOKEN.
 */

let server: TestServer;
let basic: MlflowHttp;
let bearer: MlflowHttp;

beforeAll(async () => {
  server = await startTestServer();
  basic = mlflowHttp(server.url, basicAuth(server.adminKey));
  bearer = mlflowHttp(server.url, bearerAuth(server.adminKey));
});
afterAll(async () => {
  await server.close();
});

const runArtifactUri = (experimentId: string, runId: string) => `mlflow-artifacts:/${experimentId}/${runId}/artifacts`;
const pngBytes = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4, 5, 250, 251, 252]);

describe('MLflow 3.x call sequence (mlflow-rest-api.md §4)', () => {
  it('1. experiments/get-by-name: 404 RESOURCE_DOES_NOT_EXIST for a missing name, the experiment once it exists', async () => {
    const name = uniqueName('demo');
    expectMlflowError(await basic.get('experiments/get-by-name', { experiment_name: name }), 404, 'RESOURCE_DOES_NOT_EXIST');
    const experimentId = await createMlflowExperiment(basic, name);
    const found = expectOk<{ experiment: { experiment_id: string; name: string; lifecycle_stage: string } }>(await basic.get('experiments/get-by-name', { experiment_name: name }));
    expect(found.experiment).toMatchObject({ experiment_id: experimentId, name, lifecycle_stage: 'active' });
  });

  it('2. experiments/create: {"experiment_id": "<string>"}; tags are kept; a duplicate name is 400 RESOURCE_ALREADY_EXISTS', async () => {
    const name = uniqueName('demo');
    const created = expectOk(await bearer.post('experiments/create', { name, tags: [{ key: 'team', value: 'vision' }] }));
    expect(Object.keys(created)).toEqual(['experiment_id']);
    expect(created.experiment_id).toEqual(expect.stringMatching(/^[a-zA-Z0-9][\w-]{0,63}$/));
    const fetched = expectOk<{ experiment: { tags: unknown } }>(await bearer.get('experiments/get', { experiment_id: created.experiment_id as string }));
    expect(fetched.experiment.tags).toEqual([{ key: 'team', value: 'vision' }]);
    expectMlflowError(await bearer.post('experiments/create', { name }), 400, 'RESOURCE_ALREADY_EXISTS');
  });

  it('3. experiments/get: the experiment as the client parses it', async () => {
    const name = uniqueName('demo');
    const before = Date.now();
    const experimentId = await createMlflowExperiment(basic, name);
    const { experiment } = expectOk<{ experiment: Record<string, unknown> }>(await basic.get('experiments/get', { experiment_id: experimentId }));
    expect(experiment).toEqual({
      experiment_id: experimentId,
      name,
      artifact_location: `mlflow-artifacts:/${experimentId}`,
      lifecycle_stage: 'active',
      creation_time: expect.any(Number),
      last_update_time: expect.any(Number),
      tags: [],
    });
    expect(experiment.creation_time as number).toBeGreaterThanOrEqual(before - 1000);
  });

  it('4. runs/create: run_id of 32 hex digits, run_uuid, RUNNING, the proxy artifact_uri and the client tags', async () => {
    const experimentId = await createMlflowExperiment(bearer);
    const startTime = Date.now() - 5_000;
    const body = pythonCreateRunBody(experimentId, 'bright-owl-42', startTime, 'alice');
    const { run } = expectOk<{ run: MlflowRunJson }>(await bearer.post('runs/create', body));
    expect(run.info.run_id).toMatch(/^[0-9a-f]{32}$/);
    expect(run.info).toEqual({
      run_id: run.info.run_id,
      run_uuid: run.info.run_id,
      experiment_id: experimentId,
      run_name: 'bright-owl-42',
      user_id: 'alice',
      status: 'RUNNING',
      start_time: startTime,
      artifact_uri: runArtifactUri(experimentId, run.info.run_id),
      lifecycle_stage: 'active',
    });
    expect(run.data.tags).toEqual(expect.arrayContaining(body.tags));
    expect(run.data.tags).toHaveLength(body.tags.length);
    // int64 as a numeric string (proto3 JSON) is read the same way.
    const other = expectOk<{ run: MlflowRunJson }>(await bearer.post('runs/create', { ...pythonCreateRunBody(experimentId, 'string-time'), start_time: String(startTime) }));
    expect(other.run.info.start_time).toBe(startTime);
    expect(other.run.info.run_id).not.toBe(run.info.run_id);
  });

  it('5. runs/log-parameter with run_id and run_uuid answers {} and the param is stored', async () => {
    const experimentId = await createMlflowExperiment(basic);
    const { run_id: runId } = await createMlflowRun(basic, experimentId);
    expect(expectOk(await basic.post('runs/log-parameter', { run_id: runId, run_uuid: runId, key: 'lr', value: '0.01' }))).toEqual({});
    // Only run_uuid (older clients) also names the run.
    expect(expectOk(await basic.post('runs/log-parameter', { run_uuid: runId, key: 'epochs', value: '10' }))).toEqual({});
    const run = await getMlflowRun(basic, runId);
    expect(run.data.params).toEqual(expect.arrayContaining([{ key: 'lr', value: '0.01' }, { key: 'epochs', value: '10' }]));
    expect(run.data.params).toHaveLength(2);
  });

  it('6. runs/log-batch with metrics, params and tags answers {} and stores all of them', async () => {
    const experimentId = await createMlflowExperiment(bearer);
    const { run_id: runId } = await createMlflowRun(bearer, experimentId);
    const timestamp = Date.now();
    const body = {
      run_id: runId,
      metrics: [
        { key: 'loss', value: 0.3, timestamp, step: 1 },
        { key: 'rmse', value: 1.25, timestamp, step: 1 },
      ],
      params: [
        { key: 'batch_size', value: '32' },
        { key: 'optimizer', value: 'adam' },
      ],
      tags: [{ key: 'stage', value: 'train' }],
    };
    expect(expectOk(await bearer.post('runs/log-batch', body))).toEqual({});
    const run = await getMlflowRun(bearer, runId);
    expect(run.data.metrics).toEqual(expect.arrayContaining(body.metrics));
    expect(run.data.metrics).toHaveLength(2);
    expect(run.data.params).toEqual(expect.arrayContaining(body.params));
    expect(run.data.tags).toEqual(expect.arrayContaining(body.tags));
  });

  it('7. runs/log-metric with run_uuid, model_id and dataset fields answers {}; the run shows the latest value', async () => {
    const experimentId = await createMlflowExperiment(basic);
    const { run_id: runId } = await createMlflowRun(basic, experimentId);
    const model = await createMlflowLoggedModel(basic, experimentId, runId);
    const timestamp = Date.now();
    const base = { run_id: runId, run_uuid: runId, key: 'acc', model_id: model.info.model_id, dataset_name: 'eval', dataset_digest: 'a1b2c3' };
    expect(expectOk(await basic.post('runs/log-metric', { ...base, value: 0.9, timestamp, step: 0 }))).toEqual({});
    expect(expectOk(await basic.post('runs/log-metric', { ...base, value: 0.93, timestamp: String(timestamp + 1), step: '1' }))).toEqual({});
    const run = await getMlflowRun(basic, runId);
    expect(run.data.metrics).toEqual([{ key: 'acc', value: 0.93, timestamp: timestamp + 1, step: 1 }]);
  });

  it('8. runs/set-tag answers {}; setting it again overwrites the value', async () => {
    const experimentId = await createMlflowExperiment(bearer);
    const { run_id: runId } = await createMlflowRun(bearer, experimentId);
    expect(expectOk(await bearer.post('runs/set-tag', { run_id: runId, run_uuid: runId, key: 'k', value: 'v' }))).toEqual({});
    expect(expectOk(await bearer.post('runs/set-tag', { run_id: runId, run_uuid: runId, key: 'k', value: 'v2' }))).toEqual({});
    const run = await getMlflowRun(bearer, runId);
    expect(run.data.tags?.filter((tag) => tag.key === 'k')).toEqual([{ key: 'k', value: 'v2' }]);
  });

  it('9. PUT mlflow-artifacts/artifacts/<exp>/<run>/artifacts/plot.png stores the bytes; list and download return them', async () => {
    const experimentId = await createMlflowExperiment(basic);
    const run = await createMlflowRun(basic, experimentId);
    const root = `${experimentId}/${run.run_id}/artifacts`;
    expect(run.artifact_uri).toBe(`mlflow-artifacts:/${root}`);
    expect(expectOk(await basic.put(`/api/2.0/mlflow-artifacts/artifacts/${root}/plot.png`, pngBytes, 'image/png'))).toEqual({});
    const listed = expectOk(await basic.get('/api/2.0/mlflow-artifacts/artifacts', { path: root }));
    expect(listed).toEqual({ files: [{ path: 'plot.png', is_dir: false, file_size: pngBytes.length }] });
    const download = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${root}/plot.png`, { headers: { authorization: `Bearer ${server.adminKey}` } });
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(pngBytes);
  });

  it('10. POST logged-models creates a PENDING model whose files live under <exp>/models/<id>/artifacts', async () => {
    const experimentId = await createMlflowExperiment(bearer);
    const { run_id: runId } = await createMlflowRun(bearer, experimentId);
    const params = Array.from({ length: 100 }, (_unused, index) => ({ key: `p${String(index).padStart(3, '0')}`, value: String(index) }));
    const { model } = expectOk<{ model: MlflowLoggedModelJson }>(
      await bearer.post('logged-models', { experiment_id: experimentId, name: 'model', source_run_id: runId, params, tags: [{ key: 'mlflow.user', value: 'alice' }], model_type: 'sklearn' }),
    );
    expect(model.info.model_id).toMatch(/^m-[0-9a-f]{32}$/);
    expect(model.info).toMatchObject({
      experiment_id: experimentId,
      name: 'model',
      source_run_id: runId,
      status: 'LOGGED_MODEL_PENDING',
      model_type: 'sklearn',
      artifact_uri: `mlflow-artifacts:/${experimentId}/models/${model.info.model_id}/artifacts`,
      tags: [{ key: 'mlflow.user', value: 'alice' }],
    });
    expect(model.data.params).toEqual(expect.arrayContaining(params));
    expect(model.data.params).toHaveLength(100);
  });

  it('11. logged-models/{id}/params adds the params beyond the first 100', async () => {
    const experimentId = await createMlflowExperiment(basic);
    const { run_id: runId } = await createMlflowRun(basic, experimentId);
    const model = await createMlflowLoggedModel(basic, experimentId, runId);
    const extra = Array.from({ length: 30 }, (_unused, index) => ({ key: `extra_${index}`, value: `v${index}` }));
    expect(expectOk(await basic.post(`logged-models/${model.info.model_id}/params`, { model_id: model.info.model_id, params: extra }))).toEqual({});
    const { model: fetched } = expectOk<{ model: MlflowLoggedModelJson }>(await basic.get(`logged-models/${model.info.model_id}`));
    expect(fetched.data.params).toEqual(expect.arrayContaining([...extra, { key: 'alpha', value: '0.5' }]));
    expect(fetched.data.params).toHaveLength(31);
  });

  it('12. PUT the model files under <exp>/models/<id>/artifacts; list shows them', async () => {
    const experimentId = await createMlflowExperiment(bearer);
    const { run_id: runId } = await createMlflowRun(bearer, experimentId);
    const model = await createMlflowLoggedModel(bearer, experimentId, runId);
    const root = model.info.artifact_uri.replace(/^mlflow-artifacts:\//, '');
    expect(root).toBe(`${experimentId}/models/${model.info.model_id}/artifacts`);
    const files: [string, string, string][] = [
      ['MLmodel', 'artifact_path: model\nflavors:\n  python_function: {}\n', 'application/octet-stream'],
      ['model.pkl', '\u0080\u0004pickle', 'application/octet-stream'],
      ['requirements.txt', 'scikit-learn==1.5.0\n', 'text/plain'],
      ['metadata/conda.yaml', 'name: env\n', 'application/x-yaml'],
    ];
    for (const [name, content, type] of files) expect(expectOk(await bearer.put(`/api/2.0/mlflow-artifacts/artifacts/${root}/${name}`, content, type))).toEqual({});
    const listed = expectOk<{ files: { path: string; is_dir: boolean; file_size?: number }[] }>(await bearer.get('/api/2.0/mlflow-artifacts/artifacts', { path: root }));
    // The order of a listing is not part of the contract.
    expect([...listed.files].sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual([
      { path: 'MLmodel', is_dir: false, file_size: Buffer.byteLength(files[0]?.[1] ?? '') },
      { path: 'metadata', is_dir: true },
      { path: 'model.pkl', is_dir: false, file_size: Buffer.byteLength(files[1]?.[1] ?? '') },
      { path: 'requirements.txt', is_dir: false, file_size: Buffer.byteLength(files[2]?.[1] ?? '') },
    ]);
    const mlmodel = await bearer.get(`/api/2.0/mlflow-artifacts/artifacts/${root}/MLmodel`);
    expect(mlmodel.text).toBe(files[0]?.[1]);
  });

  it('13. PATCH logged-models/{id} with LOGGED_MODEL_READY finalizes the model', async () => {
    const experimentId = await createMlflowExperiment(basic);
    const { run_id: runId } = await createMlflowRun(basic, experimentId);
    const model = await createMlflowLoggedModel(basic, experimentId, runId);
    const { model: finalized } = expectOk<{ model: MlflowLoggedModelJson }>(await basic.patch(`logged-models/${model.info.model_id}`, { model_id: model.info.model_id, status: 'LOGGED_MODEL_READY' }));
    expect(finalized.info).toMatchObject({ model_id: model.info.model_id, status: 'LOGGED_MODEL_READY' });
    const { model: fetched } = expectOk<{ model: MlflowLoggedModelJson }>(await basic.get(`logged-models/${model.info.model_id}`));
    expect(fetched.info.status).toBe('LOGGED_MODEL_READY');
  });

  it('14. runs/outputs links the model to the run as an output', async () => {
    const experimentId = await createMlflowExperiment(bearer);
    const { run_id: runId } = await createMlflowRun(bearer, experimentId);
    const model = await createMlflowLoggedModel(bearer, experimentId, runId);
    expect(expectOk(await bearer.post('runs/outputs', { run_id: runId, models: [{ model_id: model.info.model_id, step: 0 }] }))).toEqual({});
    const run = await getMlflowRun(bearer, runId);
    expect(run.outputs).toEqual({ model_outputs: [{ model_id: model.info.model_id, step: 0 }] });
  });

  it('15. registered-models/create answers the model; the same name again is 400 RESOURCE_ALREADY_EXISTS', async () => {
    const name = uniqueName('clf');
    const { registered_model: model } = expectOk<{ registered_model: Record<string, unknown> }>(await basic.post('registered-models/create', { name }));
    expect(model).toMatchObject({ name, creation_timestamp: expect.any(Number), last_updated_timestamp: expect.any(Number) });
    expectMlflowError(await basic.post('registered-models/create', { name }), 400, 'RESOURCE_ALREADY_EXISTS');
  });

  it('16. model-versions/create from models:/<model_id> answers version "1", READY, with run_id and model_id; the next is "2"', async () => {
    const name = await createMlflowRegisteredModel(bearer);
    const experimentId = await createMlflowExperiment(bearer);
    const { run_id: runId } = await createMlflowRun(bearer, experimentId);
    const model = await createMlflowLoggedModel(bearer, experimentId, runId);
    const body = { name, source: `models:/${model.info.model_id}`, run_id: runId, model_id: model.info.model_id, tags: [{ key: 'origin', value: 'ci' }] };
    const { model_version: first } = expectOk<{ model_version: MlflowModelVersionJson }>(await bearer.post('model-versions/create', body));
    expect(first).toMatchObject({ name, version: '1', status: 'READY', source: `models:/${model.info.model_id}`, run_id: runId, model_id: model.info.model_id, tags: [{ key: 'origin', value: 'ci' }] });
    const { model_version: second } = expectOk<{ model_version: MlflowModelVersionJson }>(await bearer.post('model-versions/create', body));
    expect(second).toMatchObject({ name, version: '2', status: 'READY' });
  });

  it('16b. model-versions/get answers READY at once, which ends the client\'s polling loop on the first request', async () => {
    const name = await createMlflowRegisteredModel(basic);
    const { version } = await createMlflowModelVersion(basic, name);
    // The loop of `_await_model_version_creation`: poll while PENDING_REGISTRATION (bounded here).
    let polls = 0;
    let current: MlflowModelVersionJson | undefined;
    while (polls < 5) {
      polls += 1;
      current = expectOk<{ model_version: MlflowModelVersionJson }>(await basic.get('model-versions/get', { name, version: version.version })).model_version;
      if (current.status !== 'PENDING_REGISTRATION') break;
    }
    expect(polls).toBe(1);
    expect(current).toMatchObject({ name, version: version.version, status: 'READY', run_id: version.run_id, model_id: version.model_id });
  });

  it('17. GET logged-models/{id}, then PATCH its tags with mlflow.modelVersions', async () => {
    const name = await createMlflowRegisteredModel(bearer);
    const { modelId } = await createMlflowModelVersion(bearer, name);
    expect(expectOk<{ model: MlflowLoggedModelJson }>(await bearer.get(`logged-models/${modelId}`)).model.info.model_id).toBe(modelId);
    const value = JSON.stringify([{ name, version: '1' }]);
    expect(expectOk(await bearer.patch(`logged-models/${modelId}/tags`, { tags: [{ key: 'mlflow.modelVersions', value }] }))).toEqual({});
    const { model } = expectOk<{ model: MlflowLoggedModelJson }>(await bearer.get(`logged-models/${modelId}`));
    expect(model.info.tags).toEqual(expect.arrayContaining([{ key: 'mlflow.modelVersions', value }]));
  });

  it('18. runs/update with FINISHED and end_time answers run_info', async () => {
    const experimentId = await createMlflowExperiment(basic);
    const { run_id: runId } = await createMlflowRun(basic, experimentId);
    const endTime = Date.now() + 1_000;
    const { run_info: info } = expectOk<{ run_info: Record<string, unknown> }>(await basic.post('runs/update', { run_id: runId, run_uuid: runId, status: 'FINISHED', end_time: String(endTime) }));
    expect(info).toMatchObject({ run_id: runId, run_uuid: runId, experiment_id: experimentId, status: 'FINISHED', end_time: endTime, lifecycle_stage: 'active', artifact_uri: runArtifactUri(experimentId, runId) });
    expect((await getMlflowRun(basic, runId)).info).toMatchObject({ status: 'FINISHED', end_time: endTime });
  });

  it('19. registered-models/alias: POST sets it, GET resolves it, DELETE with a JSON body removes it', async () => {
    const name = await createMlflowRegisteredModel(bearer);
    await createMlflowModelVersion(bearer, name);
    const { version: second } = await createMlflowModelVersion(bearer, name);
    expect(second.version).toBe('2');
    expect(expectOk(await bearer.post('registered-models/alias', { name, alias: 'champion', version: '1' }))).toEqual({});
    const { model_version: resolved } = expectOk<{ model_version: MlflowModelVersionJson }>(await bearer.get('registered-models/alias', { name, alias: 'champion' }));
    expect(resolved).toMatchObject({ name, version: '1', aliases: ['champion'] });
    const { registered_model: model } = expectOk<{ registered_model: { aliases: unknown } }>(await bearer.get('registered-models/get', { name }));
    expect(model.aliases).toEqual([{ alias: 'champion', version: '1' }]);
    // Moving the alias points it at the other version.
    expectOk(await bearer.post('registered-models/alias', { name, alias: 'champion', version: '2' }));
    expect(expectOk<{ model_version: MlflowModelVersionJson }>(await bearer.get('registered-models/alias', { name, alias: 'champion' })).model_version.version).toBe('2');
    expect(expectOk(await bearer.delete('registered-models/alias', { name, alias: 'champion' }))).toEqual({});
    expectMlflowError(await bearer.get('registered-models/alias', { name, alias: 'champion' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('20. metrics/get-history with run_id, run_uuid and metric_key: every value, NaN and infinities as strings, pages that cover it once', async () => {
    const experimentId = await createMlflowExperiment(basic);
    const { run_id: runId } = await createMlflowRun(basic, experimentId);
    const timestamp = Date.now();
    const values: (number | string)[] = [0.5, 'NaN', 0.75, 'Infinity', '-Infinity', 0.93];
    for (const [step, value] of values.entries()) {
      expectOk(await basic.post('runs/log-metric', { run_id: runId, run_uuid: runId, key: 'acc', value, timestamp: timestamp + step, step }));
    }
    const expected = values.map((value, step) => ({ key: 'acc', value, timestamp: timestamp + step, step }));
    const whole = expectOk<{ metrics: unknown[]; next_page_token?: string }>(await basic.get('metrics/get-history', { run_id: runId, run_uuid: runId, metric_key: 'acc' }));
    expect(whole.metrics).toEqual(expected);
    expect(whole.next_page_token ?? '').toBe('');
    // Page by page, as the client does with max_results and page_token.
    const seen: unknown[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = expectOk<{ metrics: unknown[]; next_page_token?: string }>(
        await basic.get('metrics/get-history', { run_id: runId, run_uuid: runId, metric_key: 'acc', max_results: 4, page_token: pageToken }),
      );
      expect(page.metrics.length).toBeLessThanOrEqual(4);
      seen.push(...page.metrics);
      pageToken = page.next_page_token === '' ? undefined : page.next_page_token;
      pages += 1;
    } while (pageToken !== undefined && pages < 10);
    expect(pages).toBe(2);
    expect(seen).toEqual(expected);
  });

  it('21. runs/search with a filter, order_by and page tokens returns every matching run exactly once, in order', async () => {
    const experimentId = await createMlflowExperiment(bearer);
    const other = await createMlflowExperiment(bearer);
    const timestamp = Date.now();
    const specs: { acc: number; lr: string; experiment: string; deleted?: boolean }[] = [
      { acc: 0.95, lr: '0.01', experiment: experimentId },
      { acc: 0.85, lr: '0.01', experiment: experimentId },
      { acc: 0.99, lr: '0.01', experiment: experimentId },
      { acc: 0.91, lr: '0.01', experiment: experimentId },
      { acc: 0.97, lr: '0.1', experiment: experimentId },
      { acc: 0.92, lr: '0.01', experiment: experimentId },
      { acc: 0.93, lr: '0.01', experiment: other },
      { acc: 0.96, lr: '0.01', experiment: experimentId },
      { acc: 0.98, lr: '0.01', experiment: experimentId, deleted: true },
    ];
    const runIds: string[] = [];
    for (const spec of specs) {
      const { run_id: runId } = await createMlflowRun(bearer, spec.experiment);
      runIds.push(runId);
      expectOk(await bearer.post('runs/log-batch', { run_id: runId, metrics: [{ key: 'acc', value: spec.acc, timestamp, step: 0 }], params: [{ key: 'lr', value: spec.lr }] }));
      if (spec.deleted === true) expectOk(await bearer.post('runs/delete', { run_id: runId }));
    }
    const expected = specs
      .map((spec, index) => ({ ...spec, runId: runIds[index] }))
      .filter((spec) => spec.experiment === experimentId && spec.deleted !== true && spec.acc > 0.9 && spec.lr === '0.01')
      .sort((a, b) => b.acc - a.acc)
      .map((spec) => spec.runId);
    expect(expected).toHaveLength(5);

    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const body = {
        experiment_ids: [experimentId],
        filter: "metrics.acc > 0.9 and params.lr = '0.01'",
        run_view_type: 'ACTIVE_ONLY',
        max_results: 2,
        order_by: ['metrics.acc DESC'],
        ...(pageToken === undefined ? {} : { page_token: pageToken }),
      };
      const page = expectOk<{ runs?: MlflowRunJson[]; next_page_token?: string }>(await bearer.post('runs/search', body));
      const runs = page.runs ?? [];
      expect(runs.length).toBeLessThanOrEqual(2);
      for (const run of runs) {
        expect(run.info.experiment_id).toBe(experimentId);
        expect(run.data.params).toEqual([{ key: 'lr', value: '0.01' }]);
      }
      seen.push(...runs.map((run) => run.info.run_id));
      pageToken = page.next_page_token === undefined || page.next_page_token === '' ? undefined : page.next_page_token;
      pages += 1;
    } while (pageToken !== undefined && pages < 10);
    expect(seen).toEqual(expected);
    expect(pages).toBe(3);
  });
});
