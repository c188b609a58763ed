import MLflowModule from 'mlflow';
import { RunStatus, ViewType } from 'mlflow/enum.js';
import { MLflowBase } from 'mlflow/lib/mlflow.js';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { startTestServer, type TestServer, uniqueName } from '@keel/testing';

/**
 * The community Node client, npm `mlflow` 2.0.7 (github.com/Yuhsak/mlflow), unchanged, against Keel.
 *
 * What the package is: `new MLflow({ endpoint, headers })`. It reads no MLFLOW_TRACKING_URI or
 * MLFLOW_TRACKING_* variables: the tracking URI is the `endpoint` option and credentials go in the
 * `headers` option, which it sends with every request (so Bearer and Basic both work). It wraps
 * experiments, runs, metrics and artifacts/list only; there is no model registry API, so the
 * registry is driven here through the package's own exported request layer (`MLflowBase.req`),
 * the way a user of the package would extend it. Its `req` sends DELETE like GET (query string,
 * no body), so MLflow's DELETE-with-JSON-body endpoints cannot be reached through it.
 */

// index.js is `module.exports = require('./lib/mlflow').default`, while its typings declare an ES
// default export: at run time the default import is already the class.
const MLflow = MLflowModule as unknown as typeof MLflowModule.default;

type ClientOptions = ConstructorParameters<typeof MLflowBase>[0];

/** The registry endpoints, built on the package's request helper (it has no registry class). */
class RegisteredModels extends MLflowBase {
  protected override path = '/registered-models';
  create(name: string): Promise<{ registered_model: { name: string } }> {
    return this.req('post', '/create', { name }) as Promise<{ registered_model: { name: string } }>;
  }
  get(name: string): Promise<{ registered_model: { name: string; aliases?: { alias: string; version: string }[] } }> {
    return this.req('get', '/get', { name }) as Promise<{ registered_model: { name: string; aliases?: { alias: string; version: string }[] } }>;
  }
  setAlias(name: string, alias: string, version: string): Promise<unknown> {
    return this.req('post', '/alias', { name, alias, version });
  }
  getAlias(name: string, alias: string): Promise<{ model_version: { version: string; aliases?: string[] } }> {
    return this.req('get', '/alias', { name, alias }) as Promise<{ model_version: { version: string; aliases?: string[] } }>;
  }
}

class ModelVersions extends MLflowBase {
  protected override path = '/model-versions';
  create(name: string, source: string, runId: string): Promise<{ model_version: { name: string; version: string; status: string; run_id: string } }> {
    return this.req('post', '/create', { name, source, run_id: runId }) as Promise<{ model_version: { name: string; version: string; status: string; run_id: string } }>;
  }
  get(name: string, version: string): Promise<{ model_version: { version: string; status: string } }> {
    return this.req('get', '/get', { name, version }) as Promise<{ model_version: { version: string; status: string } }>;
  }
}

/** The package rejects with `Error('Error: {"status":..,"statusText":..,"data":<error body>}')`. */
async function rejection(promise: Promise<unknown>): Promise<{ status: number; data: { error_code: string; message: string } }> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Error);
  const message = (error as Error).message;
  return JSON.parse(message.slice(message.indexOf('{'))) as { status: number; data: { error_code: string; message: string } };
}

let server: TestServer;
let options: ClientOptions;
let consoleLog: MockInstance<typeof console.log>;

beforeAll(async () => {
  server = await startTestServer();
  options = { endpoint: server.url, headers: { Authorization: `Bearer ${server.adminKey}` } };
  // The package console.logs every POST body.
  consoleLog = vi.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterAll(async () => {
  consoleLog.mockRestore();
  await server.close();
});

describe('npm mlflow 2.0.7 against Keel', () => {
  it('sends credentials only through its headers option: none is 401 UNAUTHENTICATED, Bearer and Basic work', async () => {
    const anonymous = new MLflow({ endpoint: server.url });
    const failure = await rejection(anonymous.Experiments.get({ experiment_id: '0' }));
    expect(failure).toMatchObject({ status: 401, data: { error_code: 'UNAUTHENTICATED' } });
    const bearer = new MLflow(options);
    expect((await bearer.Experiments.get({ experiment_id: '0' })).experiment.experiment_id).toBe('0');
    const basic = new MLflow({ endpoint: server.url, headers: { Authorization: `Basic ${Buffer.from(`user:${server.adminKey}`).toString('base64')}` } });
    expect((await basic.Experiments.get({ experiment_id: '0' })).experiment.name).toBe('Default');
  });

  it('Experiments: create (with and without artifact_location), get, update, delete, restore', async () => {
    const { Experiments } = new MLflow(options);
    const name = uniqueName('node');
    const { experiment_id: experimentId } = await Experiments.create({ name, artifact_location: '' });
    expect(experimentId).toEqual(expect.any(String));
    const { experiment } = await Experiments.get({ experiment_id: experimentId });
    expect(experiment).toMatchObject({ experiment_id: experimentId, name, lifecycle_stage: 'active', artifact_location: `mlflow-artifacts:/${experimentId}` });
    // A JavaScript caller may leave artifact_location out: JSON.stringify drops it.
    const other = await Experiments.create({ name: uniqueName('node') } as { name: string; artifact_location: string });
    expect(other.experiment_id).not.toBe(experimentId);
    const renamed = uniqueName('renamed');
    await Experiments.update({ experiment_id: experimentId, new_name: renamed });
    expect((await Experiments.get({ experiment_id: experimentId })).experiment.name).toBe(renamed);
    await Experiments.delete({ experiment_id: experimentId });
    expect((await Experiments.get({ experiment_id: experimentId })).experiment.lifecycle_stage).toBe('deleted');
    await Experiments.restore({ experiment_id: experimentId });
    expect((await Experiments.get({ experiment_id: experimentId })).experiment.lifecycle_stage).toBe('active');
    const duplicate = await rejection(Experiments.create({ name: renamed, artifact_location: '' }));
    expect(duplicate).toMatchObject({ status: 400, data: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
  });

  it('Runs: create, log a metric, a param, a tag and a batch, then get the run back', async () => {
    const { Experiments, Runs } = new MLflow(options);
    const { experiment_id: experimentId } = await Experiments.create({ name: uniqueName('node'), artifact_location: '' });
    const startTime = Date.now();
    const { run } = await Runs.create({ experiment_id: experimentId, user_id: 'node-user', start_time: startTime, tags: [{ key: 'mlflow.runName', value: 'node-run' }] });
    const runId = run.info.run_id;
    expect(runId).toMatch(/^[0-9a-f]{32}$/);
    expect(run.info).toMatchObject({ experiment_id: experimentId, user_id: 'node-user', status: 'RUNNING', start_time: startTime, artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts` });

    expect(await Runs.logMetric({ run_id: runId, key: 'loss', value: 0.5, timestamp: startTime, step: 0 })).toEqual({});
    expect(await Runs.logMetric({ run_id: runId, key: 'loss', value: 0.25, timestamp: startTime + 1, step: 1 })).toEqual({});
    expect(await Runs.logParameter({ run_id: runId, key: 'lr', value: '0.001' })).toEqual({});
    expect(await Runs.setTag({ run_id: runId, key: 'framework', value: 'tfjs' })).toEqual({});
    expect(
      await Runs.logBatch({
        run_id: runId,
        metrics: [{ key: 'acc', value: 0.8, timestamp: startTime + 2, step: 2 }],
        params: [{ key: 'epochs', value: '5' }],
        tags: [{ key: 'dataset', value: 'mnist' }],
      }),
    ).toEqual({});

    const { run: fetched } = await Runs.get({ run_id: runId });
    expect(fetched.info.run_id).toBe(runId);
    expect(fetched.data.metrics).toEqual(expect.arrayContaining([{ key: 'loss', value: 0.25, timestamp: startTime + 1, step: 1 }, { key: 'acc', value: 0.8, timestamp: startTime + 2, step: 2 }]));
    expect(fetched.data.metrics).toHaveLength(2);
    expect(fetched.data.params).toEqual(expect.arrayContaining([{ key: 'lr', value: '0.001' }, { key: 'epochs', value: '5' }]));
    expect(fetched.data.tags).toEqual(expect.arrayContaining([{ key: 'framework', value: 'tfjs' }, { key: 'dataset', value: 'mnist' }, { key: 'mlflow.runName', value: 'node-run' }]));

    const changed = await rejection(Runs.logParameter({ run_id: runId, key: 'lr', value: '0.1' }));
    expect(changed).toMatchObject({ status: 400, data: { error_code: 'INVALID_PARAMETER_VALUE' } });
    await Runs.deleteTag({ run_id: runId, key: 'framework' });
    expect((await Runs.get({ run_id: runId })).run.data.tags.map((tag) => tag.key)).not.toContain('framework');
  });

  it('Metrics.getHistory returns every value of a metric', async () => {
    const { Experiments, Runs, Metrics } = new MLflow(options);
    const { experiment_id: experimentId } = await Experiments.create({ name: uniqueName('node'), artifact_location: '' });
    const { run } = await Runs.create({ experiment_id: experimentId, user_id: 'u', start_time: Date.now() });
    const timestamp = Date.now();
    for (let step = 0; step < 5; step += 1) await Runs.logMetric({ run_id: run.info.run_id, key: 'auc_score', value: step / 10, timestamp, step });
    const history = (await Metrics.getHistory({ run_id: run.info.run_id, metric_key: 'auc_score' })) as { metrics: { value: number; step: number }[] };
    expect(history.metrics.map((metric) => [metric.step, metric.value])).toEqual([[0, 0], [1, 0.1], [2, 0.2], [3, 0.3], [4, 0.4]]);
  });

  it('Runs.search with a filter, run_view_type, order_by and max_results; update, delete and restore', async () => {
    const { Experiments, Runs } = new MLflow(options);
    const { experiment_id: experimentId } = await Experiments.create({ name: uniqueName('node'), artifact_location: '' });
    const runIds: string[] = [];
    for (const acc of [0.7, 0.9, 0.8]) {
      const { run } = await Runs.create({ experiment_id: experimentId, user_id: 'u', start_time: Date.now() });
      await Runs.logMetric({ run_id: run.info.run_id, key: 'acc', value: acc, timestamp: Date.now(), step: 0 });
      runIds.push(run.info.run_id);
    }
    const found = await Runs.search({ experiment_ids: [experimentId], filter: 'metrics.acc >= 0.8', run_view_type: ViewType.ACTIVE_ONLY, max_results: 10, order_by: ['metrics.acc DESC'] });
    expect(found.runs.map((run) => run.info.run_id)).toEqual([runIds[1], runIds[2]]);

    const { run_info: finished } = await Runs.update({ run_id: runIds[0] ?? '', status: RunStatus.FINISHED, end_time: Date.now() });
    expect(finished.status).toBe('FINISHED');
    await Runs.delete({ run_id: runIds[1] ?? '' });
    const active = await Runs.search({ experiment_ids: [experimentId], run_view_type: ViewType.ACTIVE_ONLY });
    expect(active.runs.map((run) => run.info.run_id).sort()).toEqual([runIds[0], runIds[2]].sort());
    const deleted = await Runs.search({ experiment_ids: [experimentId], run_view_type: ViewType.DELETED_ONLY });
    expect(deleted.runs.map((run) => run.info.run_id)).toEqual([runIds[1]]);
    await Runs.restore({ run_id: runIds[1] ?? '' });
    expect((await Runs.search({ experiment_ids: [experimentId] })).runs).toHaveLength(3);
  });

  it('Artifacts.list lists what the artifact proxy stored', async () => {
    const { Experiments, Runs, Artifacts } = new MLflow(options);
    const { experiment_id: experimentId } = await Experiments.create({ name: uniqueName('node'), artifact_location: '' });
    const { run } = await Runs.create({ experiment_id: experimentId, user_id: 'u', start_time: Date.now() });
    const upload = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${run.info.run_id}/artifacts/weights.bin`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.adminKey}` },
      body: new Uint8Array([1, 2, 3]),
    });
    expect(upload.status).toBe(200);
    // Its typings make `path` required; '' is the run's root.
    const listing: unknown = await Artifacts.list({ run_id: run.info.run_id, path: '' });
    expect(listing).toEqual({ root_uri: run.info.artifact_uri, files: [{ path: 'weights.bin', is_dir: false, file_size: 3 }] });
    await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${run.info.run_id}/artifacts/sub/more.txt`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.adminKey}` },
      body: 'more',
    });
    const nested: unknown = await Artifacts.list({ run_id: run.info.run_id, path: 'sub' });
    expect(nested).toEqual({ root_uri: run.info.artifact_uri, files: [{ path: 'sub/more.txt', is_dir: false, file_size: 4 }] });
  });

  it('registered model, model version and alias through the package\'s request layer', async () => {
    const { Experiments, Runs } = new MLflow(options);
    const models = new RegisteredModels(options);
    const versions = new ModelVersions(options);
    const { experiment_id: experimentId } = await Experiments.create({ name: uniqueName('node'), artifact_location: '' });
    const { run } = await Runs.create({ experiment_id: experimentId, user_id: 'u', start_time: Date.now() });
    const name = uniqueName('node-model');
    expect((await models.create(name)).registered_model.name).toBe(name);
    expect(await rejection(models.create(name))).toMatchObject({ status: 400, data: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
    const { model_version: created } = await versions.create(name, `runs:/${run.info.run_id}/model`, run.info.run_id);
    expect(created).toMatchObject({ name, version: '1', status: 'READY', run_id: run.info.run_id });
    expect((await versions.get(name, '1')).model_version.status).toBe('READY');
    expect(await models.setAlias(name, 'champion', '1')).toEqual({});
    expect((await models.getAlias(name, 'champion')).model_version).toMatchObject({ version: '1', aliases: ['champion'] });
    expect((await models.get(name)).registered_model.aliases).toEqual([{ alias: 'champion', version: '1' }]);
  });

  it('its two calls that no MLflow 2.x/3.x server serves fail with 404 ENDPOINT_NOT_FOUND', async () => {
    const { Experiments } = new MLflow(options);
    // experiments/list was removed in MLflow 2.0 (replaced by experiments/search).
    expect(await rejection(Experiments.list())).toMatchObject({ status: 404, data: { error_code: 'ENDPOINT_NOT_FOUND' } });
    // setExperimentTag builds '/experiments' + 'set-experiment-tag' (a missing slash in the package).
    const failure = await rejection(Experiments.setExperimentTag({ experiment_id: '0', key: 'k', value: 'v' }));
    expect(failure).toMatchObject({ status: 404, data: { error_code: 'ENDPOINT_NOT_FOUND' } });
    expect(failure.data.message).toContain('/api/2.0/mlflow/experimentsset-experiment-tag');
  });
});
