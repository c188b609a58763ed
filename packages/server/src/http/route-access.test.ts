import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { basic, callKeel, callKeelOk, type KeelHomeProbe, type KeelHomeSnapshot, type KeelRequest, type KeelResponse, listServedRoutes, openKeelHomeProbe, startTestServer, type TestServer } from '@keel/testing';

/**
 * Authentication, roles and project isolation, checked on every route the server registers. The
 * table below says how to call each route on resources of project A; the walk then sends that
 * request (a) without a key, (b) with a key one role too low, and (c) with a key of project B.
 * A route added without a row here fails the walk, so it cannot ship without these checks.
 */

type Role = 'read' | 'write' | 'admin';

/** Resources made in one project for one route's checks (fresh for every route, so writes do not interfere). */
interface Fixture {
  marker: string;
  experimentId: string;
  experimentName: string;
  runId: string;
  loggedModelId: string;
  /** A registered model with version 1 (tag `vt`, alias `champion`) and tag `owner`. */
  modelName: string;
  /** A read key of the project, for the key routes to list and revoke. */
  keyId: string;
}

type Build = (fixture: Fixture) => KeelRequest;
/** A request on a resource of the caller's own project that names a resource of another project. */
type Mixed = (own: Fixture, foreign: Fixture) => KeelRequest;

type RouteCase =
  /** No key needed: answers 200 without one. */
  | { kind: 'public'; request: Build }
  /** Addresses a resource by id or name: project B's key gets 404 and nothing is stored. */
  | { kind: 'id'; request: Build; mixed?: Mixed[] }
  /** Lists or searches: project B's answer holds none of `sees`, which project A's answer holds. */
  | { kind: 'list'; request: Build; sees: (fixture: Fixture) => string[]; mixed?: Mixed[] }
  /** Creates in the caller's project under a name taken in project A: project B's key succeeds (names are per project). */
  | { kind: 'create'; request: Build }
  /** Instance-wide, holding no project's data (metrics, the API document, creating projects). */
  | { kind: 'instance'; request: Build };

const mlflow = (path: string): string => `/api/2.0/mlflow/${path}`;
const proxy = '/api/2.0/mlflow-artifacts/artifacts';
const enc = encodeURIComponent;
const get = (path: string, query?: KeelRequest['query']): KeelRequest => (query === undefined ? { method: 'GET', path } : { method: 'GET', path, query });
const post = (path: string, body: unknown = {}): KeelRequest => ({ method: 'POST', path, body });
const patch = (path: string, body: unknown): KeelRequest => ({ method: 'PATCH', path, body });
const put = (path: string, body: unknown): KeelRequest => ({ method: 'PUT', path, body });
const upload = (path: string, bytes: string): KeelRequest => ({ method: 'PUT', path, rawBody: bytes });
const remove = (path: string, body?: unknown): KeelRequest => (body === undefined ? { method: 'DELETE', path } : { method: 'DELETE', path, body });
const runPath = (fixture: Fixture, rest = ''): string => `/api/v1/runs/${fixture.runId}${rest}`;
const modelPath = (fixture: Fixture, rest = ''): string => `/api/v1/models/${enc(fixture.modelName)}${rest}`;
const experimentPath = (fixture: Fixture, rest = ''): string => `/api/v1/experiments/${fixture.experimentId}${rest}`;
const loggedModelPath = (fixture: Fixture, rest = ''): string => mlflow(`logged-models/${fixture.loggedModelId}${rest}`);
const dataset = { tags: [], dataset: { name: 'ds', digest: 'd1', source_type: 'local', source: 'file:///data' } };

let projectAName = '';

const routeTable: Record<string, RouteCase> = {
  // System
  'GET /health': { kind: 'public', request: () => get('/health') },
  'GET /version': { kind: 'public', request: () => get('/version') },
  'GET /metrics': { kind: 'instance', request: () => get('/metrics') },

  // MLflow experiments
  'POST /api/2.0/mlflow/experiments/create': { kind: 'create', request: (f) => post(mlflow('experiments/create'), { name: f.experimentName }) },
  'GET /api/2.0/mlflow/experiments/get': { kind: 'id', request: (f) => get(mlflow('experiments/get'), { experiment_id: f.experimentId }) },
  'GET /api/2.0/mlflow/experiments/get-by-name': { kind: 'id', request: (f) => get(mlflow('experiments/get-by-name'), { experiment_name: f.experimentName }) },
  'POST /api/2.0/mlflow/experiments/search': { kind: 'list', request: () => post(mlflow('experiments/search'), { view_type: 'ALL', max_results: 1000 }), sees: (f) => [f.experimentName] },
  'GET /api/2.0/mlflow/experiments/search': { kind: 'list', request: () => get(mlflow('experiments/search'), { view_type: 'ALL', max_results: '1000' }), sees: (f) => [f.experimentName] },
  'POST /api/2.0/mlflow/experiments/update': { kind: 'id', request: (f) => post(mlflow('experiments/update'), { experiment_id: f.experimentId, new_name: `${f.experimentName}-renamed` }) },
  'POST /api/2.0/mlflow/experiments/delete': { kind: 'id', request: (f) => post(mlflow('experiments/delete'), { experiment_id: f.experimentId }) },
  'POST /api/2.0/mlflow/experiments/restore': { kind: 'id', request: (f) => post(mlflow('experiments/restore'), { experiment_id: f.experimentId }) },
  'POST /api/2.0/mlflow/experiments/set-experiment-tag': { kind: 'id', request: (f) => post(mlflow('experiments/set-experiment-tag'), { experiment_id: f.experimentId, key: 'k', value: 'v' }) },
  'POST /api/2.0/mlflow/experiments/delete-experiment-tag': { kind: 'id', request: (f) => post(mlflow('experiments/delete-experiment-tag'), { experiment_id: f.experimentId, key: 'team' }) },

  // MLflow runs
  'POST /api/2.0/mlflow/runs/create': { kind: 'id', request: (f) => post(mlflow('runs/create'), { experiment_id: f.experimentId, run_name: 'new-run', start_time: 5 }) },
  'POST /api/2.0/mlflow/runs/update': { kind: 'id', request: (f) => post(mlflow('runs/update'), { run_id: f.runId, status: 'FINISHED', end_time: 2000 }) },
  'POST /api/2.0/mlflow/runs/delete': { kind: 'id', request: (f) => post(mlflow('runs/delete'), { run_id: f.runId }) },
  'POST /api/2.0/mlflow/runs/restore': { kind: 'id', request: (f) => post(mlflow('runs/restore'), { run_id: f.runId }) },
  'GET /api/2.0/mlflow/runs/get': { kind: 'id', request: (f) => get(mlflow('runs/get'), { run_id: f.runId }) },
  'POST /api/2.0/mlflow/runs/search': { kind: 'list', request: (f) => post(mlflow('runs/search'), { experiment_ids: [f.experimentId], run_view_type: 'ALL' }), sees: (f) => [f.runId] },
  'POST /api/2.0/mlflow/runs/log-parameter': { kind: 'id', request: (f) => post(mlflow('runs/log-parameter'), { run_id: f.runId, key: 'p2', value: 'x' }) },
  'POST /api/2.0/mlflow/runs/set-tag': { kind: 'id', request: (f) => post(mlflow('runs/set-tag'), { run_id: f.runId, key: 'k2', value: 'v' }) },
  'POST /api/2.0/mlflow/runs/delete-tag': { kind: 'id', request: (f) => post(mlflow('runs/delete-tag'), { run_id: f.runId, key: 'stage' }) },
  'POST /api/2.0/mlflow/runs/log-model': { kind: 'id', request: (f) => post(mlflow('runs/log-model'), { run_id: f.runId, model_json: JSON.stringify({ artifact_path: 'model', flavors: {} }) }) },
  'POST /api/2.0/mlflow/runs/log-inputs': {
    kind: 'id',
    request: (f) => post(mlflow('runs/log-inputs'), { run_id: f.runId, datasets: [dataset], models: [{ model_id: f.loggedModelId }] }),
    mixed: [(own, foreign) => post(mlflow('runs/log-inputs'), { run_id: own.runId, models: [{ model_id: foreign.loggedModelId }] })],
  },
  'POST /api/2.0/mlflow/runs/outputs': {
    kind: 'id',
    request: (f) => post(mlflow('runs/outputs'), { run_id: f.runId, models: [{ model_id: f.loggedModelId, step: 1 }] }),
    mixed: [(own, foreign) => post(mlflow('runs/outputs'), { run_id: own.runId, models: [{ model_id: foreign.loggedModelId, step: 1 }] })],
  },
  'GET /api/2.0/mlflow/artifacts/list': { kind: 'id', request: (f) => get(mlflow('artifacts/list'), { run_id: f.runId, path: 'dir' }) },
  'POST /api/2.0/mlflow/runs/log-metric': { kind: 'id', request: (f) => post(mlflow('runs/log-metric'), { run_id: f.runId, key: 'acc', value: 0.9, timestamp: 7, step: 3 }) },
  'POST /api/2.0/mlflow/runs/log-batch': { kind: 'id', request: (f) => post(mlflow('runs/log-batch'), { run_id: f.runId, metrics: [{ key: 'acc', value: 1, timestamp: 8, step: 4 }], params: [{ key: 'p3', value: 'y' }] }) },
  'GET /api/2.0/mlflow/metrics/get-history': { kind: 'id', request: (f) => get(mlflow('metrics/get-history'), { run_id: f.runId, metric_key: 'loss' }) },
  'GET /api/2.0/mlflow/metrics/get-history-bulk-interval': {
    kind: 'id',
    request: (f) => get(mlflow('metrics/get-history-bulk-interval'), { run_ids: [f.runId], metric_key: 'loss' }),
    mixed: [(own, foreign) => get(mlflow('metrics/get-history-bulk-interval'), { run_ids: [own.runId, foreign.runId], metric_key: 'loss' })],
  },

  // MLflow registered models
  'POST /api/2.0/mlflow/registered-models/create': { kind: 'create', request: (f) => post(mlflow('registered-models/create'), { name: f.modelName }) },
  'POST /api/2.0/mlflow/registered-models/rename': { kind: 'id', request: (f) => post(mlflow('registered-models/rename'), { name: f.modelName, new_name: `${f.modelName}-renamed` }) },
  'PATCH /api/2.0/mlflow/registered-models/update': { kind: 'id', request: (f) => patch(mlflow('registered-models/update'), { name: f.modelName, description: 'd' }) },
  'DELETE /api/2.0/mlflow/registered-models/delete': { kind: 'id', request: (f) => remove(mlflow('registered-models/delete'), { name: f.modelName }) },
  'GET /api/2.0/mlflow/registered-models/get': { kind: 'id', request: (f) => get(mlflow('registered-models/get'), { name: f.modelName }) },
  'GET /api/2.0/mlflow/registered-models/search': { kind: 'list', request: () => get(mlflow('registered-models/search'), { max_results: '1000' }), sees: (f) => [f.modelName] },
  'POST /api/2.0/mlflow/registered-models/get-latest-versions': { kind: 'id', request: (f) => post(mlflow('registered-models/get-latest-versions'), { name: f.modelName }) },
  'GET /api/2.0/mlflow/registered-models/get-latest-versions': { kind: 'id', request: (f) => get(mlflow('registered-models/get-latest-versions'), { name: f.modelName }) },
  'POST /api/2.0/mlflow/registered-models/set-tag': { kind: 'id', request: (f) => post(mlflow('registered-models/set-tag'), { name: f.modelName, key: 'k', value: 'v' }) },
  'DELETE /api/2.0/mlflow/registered-models/delete-tag': { kind: 'id', request: (f) => remove(mlflow('registered-models/delete-tag'), { name: f.modelName, key: 'owner' }) },
  'POST /api/2.0/mlflow/registered-models/alias': { kind: 'id', request: (f) => post(mlflow('registered-models/alias'), { name: f.modelName, alias: 'staging', version: '1' }) },
  'DELETE /api/2.0/mlflow/registered-models/alias': { kind: 'id', request: (f) => remove(mlflow('registered-models/alias'), { name: f.modelName, alias: 'champion' }) },
  'GET /api/2.0/mlflow/registered-models/alias': { kind: 'id', request: (f) => get(mlflow('registered-models/alias'), { name: f.modelName, alias: 'champion' }) },

  // MLflow model versions
  'POST /api/2.0/mlflow/model-versions/create': {
    kind: 'id',
    request: (f) => post(mlflow('model-versions/create'), { name: f.modelName, source: `runs:/${f.runId}/model`, run_id: f.runId }),
    mixed: [
      (own, foreign) => post(mlflow('model-versions/create'), { name: own.modelName, source: `runs:/${foreign.runId}/model` }),
      (own, foreign) => post(mlflow('model-versions/create'), { name: own.modelName, source: 's3://bucket/model', run_id: foreign.runId }),
      (own, foreign) => post(mlflow('model-versions/create'), { name: own.modelName, source: `runs:/${own.runId}/model`, model_id: foreign.loggedModelId }),
      (own, foreign) => post(mlflow('model-versions/create'), { name: own.modelName, source: `models:/${foreign.loggedModelId}` }),
      (own, foreign) => post(mlflow('model-versions/create'), { name: own.modelName, source: `models:/${enc(foreign.modelName)}/1` }),
    ],
  },
  'PATCH /api/2.0/mlflow/model-versions/update': { kind: 'id', request: (f) => patch(mlflow('model-versions/update'), { name: f.modelName, version: '1', description: 'd' }) },
  'POST /api/2.0/mlflow/model-versions/transition-stage': { kind: 'id', request: (f) => post(mlflow('model-versions/transition-stage'), { name: f.modelName, version: '1', stage: 'Staging' }) },
  'DELETE /api/2.0/mlflow/model-versions/delete': { kind: 'id', request: (f) => remove(mlflow('model-versions/delete'), { name: f.modelName, version: '1' }) },
  'GET /api/2.0/mlflow/model-versions/get': { kind: 'id', request: (f) => get(mlflow('model-versions/get'), { name: f.modelName, version: '1' }) },
  'GET /api/2.0/mlflow/model-versions/search': { kind: 'list', request: () => get(mlflow('model-versions/search')), sees: (f) => [f.modelName, f.runId] },
  'GET /api/2.0/mlflow/model-versions/get-download-uri': { kind: 'id', request: (f) => get(mlflow('model-versions/get-download-uri'), { name: f.modelName, version: '1' }) },
  'POST /api/2.0/mlflow/model-versions/set-tag': { kind: 'id', request: (f) => post(mlflow('model-versions/set-tag'), { name: f.modelName, version: '1', key: 'k', value: 'v' }) },
  'DELETE /api/2.0/mlflow/model-versions/delete-tag': { kind: 'id', request: (f) => remove(mlflow('model-versions/delete-tag'), { name: f.modelName, version: '1', key: 'vt' }) },

  // MLflow 3 logged models
  'POST /api/2.0/mlflow/logged-models': {
    kind: 'id',
    request: (f) => post(mlflow('logged-models'), { experiment_id: f.experimentId, name: 'lm-new', source_run_id: f.runId }),
    mixed: [(own, foreign) => post(mlflow('logged-models'), { experiment_id: own.experimentId, name: 'lm-new', source_run_id: foreign.runId })],
  },
  'POST /api/2.0/mlflow/logged-models/search': { kind: 'list', request: () => post(mlflow('logged-models/search'), { max_results: 1000 }), sees: (f) => [f.loggedModelId] },
  'GET /api/2.0/mlflow/logged-models/:model_id': { kind: 'id', request: (f) => get(loggedModelPath(f)) },
  'PATCH /api/2.0/mlflow/logged-models/:model_id': { kind: 'id', request: (f) => patch(loggedModelPath(f), { status: 'LOGGED_MODEL_READY' }) },
  'DELETE /api/2.0/mlflow/logged-models/:model_id': { kind: 'id', request: (f) => remove(loggedModelPath(f)) },
  'PATCH /api/2.0/mlflow/logged-models/:model_id/tags': { kind: 'id', request: (f) => patch(loggedModelPath(f, '/tags'), { tags: [{ key: 'k', value: 'v' }] }) },
  'DELETE /api/2.0/mlflow/logged-models/:model_id/tags/:tag_key': { kind: 'id', request: (f) => remove(loggedModelPath(f, '/tags/lt')) },
  'POST /api/2.0/mlflow/logged-models/:model_id/params': { kind: 'id', request: (f) => post(loggedModelPath(f, '/params'), { params: [{ key: 'p9', value: 'v' }] }) },

  // MLflow artifact proxy: paths are <experiment_id>/<run_id>/artifacts/...
  'PUT /api/2.0/mlflow-artifacts/artifacts/*': {
    kind: 'id',
    request: (f) => upload(`${proxy}/${f.experimentId}/${f.runId}/artifacts/new.txt`, `new bytes of ${f.marker}`),
    mixed: [(own, foreign) => upload(`${proxy}/${own.experimentId}/${foreign.runId}/artifacts/new.txt`, 'stray bytes')],
  },
  'GET /api/2.0/mlflow-artifacts/artifacts/*': { kind: 'id', request: (f) => get(`${proxy}/${f.experimentId}/${f.runId}/artifacts/dir/file.txt`) },
  'DELETE /api/2.0/mlflow-artifacts/artifacts/*': { kind: 'id', request: (f) => remove(`${proxy}/${f.experimentId}/${f.runId}/artifacts/dir/file.txt`) },
  'GET /api/2.0/mlflow-artifacts/artifacts': {
    kind: 'list',
    request: () => get(proxy),
    sees: (f) => [`"path":"${f.experimentId}"`],
    mixed: [(own, foreign) => get(proxy, { path: `${foreign.experimentId}/${foreign.runId}/artifacts` }), (own, foreign) => get(proxy, { path: `${own.experimentId}/${foreign.runId}/artifacts` })],
  },

  // Native: projects and keys
  'GET /api/v1/projects': { kind: 'list', request: () => get('/api/v1/projects'), sees: () => [`"name":"${projectAName}"`] },
  'POST /api/v1/projects': { kind: 'instance', request: (f) => post('/api/v1/projects', { name: `p-${f.marker}` }) },
  'GET /api/v1/keys': { kind: 'list', request: () => get('/api/v1/keys'), sees: (f) => [f.keyId] },
  'POST /api/v1/keys': { kind: 'create', request: (f) => post('/api/v1/keys', { name: `revocable-${f.marker}`, role: 'read' }) },
  'DELETE /api/v1/keys/:keyId': { kind: 'id', request: (f) => remove(`/api/v1/keys/${f.keyId}`) },

  // Native experiments
  'GET /api/v1/experiments': { kind: 'list', request: () => get('/api/v1/experiments', { viewType: 'ALL', maxResults: '1000' }), sees: (f) => [f.experimentName] },
  'POST /api/v1/experiments': { kind: 'create', request: (f) => post('/api/v1/experiments', { name: f.experimentName }) },
  'GET /api/v1/experiments/by-name/:name': { kind: 'id', request: (f) => get(`/api/v1/experiments/by-name/${enc(f.experimentName)}`) },
  'GET /api/v1/experiments/:experimentId': { kind: 'id', request: (f) => get(experimentPath(f)) },
  'PATCH /api/v1/experiments/:experimentId': { kind: 'id', request: (f) => patch(experimentPath(f), { name: `${f.experimentName}-renamed` }) },
  'DELETE /api/v1/experiments/:experimentId': { kind: 'id', request: (f) => remove(experimentPath(f)) },
  'POST /api/v1/experiments/:experimentId/restore': { kind: 'id', request: (f) => post(experimentPath(f, '/restore')) },
  'PUT /api/v1/experiments/:experimentId/tags/:key': { kind: 'id', request: (f) => put(experimentPath(f, '/tags/k'), { value: 'v' }) },
  'DELETE /api/v1/experiments/:experimentId/tags/:key': { kind: 'id', request: (f) => remove(experimentPath(f, '/tags/team')) },

  // Native runs
  'POST /api/v1/runs': { kind: 'id', request: (f) => post('/api/v1/runs', { experimentId: f.experimentId, runName: 'new-run' }) },
  'POST /api/v1/runs/search': { kind: 'list', request: (f) => post('/api/v1/runs/search', { experimentIds: [f.experimentId], viewType: 'ALL' }), sees: (f) => [f.runId] },
  'GET /api/v1/runs/:runId': { kind: 'id', request: (f) => get(runPath(f)) },
  'PATCH /api/v1/runs/:runId': { kind: 'id', request: (f) => patch(runPath(f), { status: 'FINISHED', endTime: 5000 }) },
  'DELETE /api/v1/runs/:runId': { kind: 'id', request: (f) => remove(runPath(f)) },
  'POST /api/v1/runs/:runId/restore': { kind: 'id', request: (f) => post(runPath(f, '/restore')) },
  'POST /api/v1/runs/:runId/log': { kind: 'id', request: (f) => post(runPath(f, '/log'), { metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }], params: [{ key: 'p', value: 'v' }], tags: [{ key: 't', value: 'v' }] }) },
  'DELETE /api/v1/runs/:runId/tags/:key': { kind: 'id', request: (f) => remove(runPath(f, '/tags/stage')) },
  'POST /api/v1/runs/:runId/inputs': { kind: 'id', request: (f) => post(runPath(f, '/inputs'), { datasets: [{ tags: [], dataset: { name: 'ds', digest: 'd1', sourceType: 'local', source: 'file:///data' } }] }) },
  'GET /api/v1/runs/:runId/metrics/:key': { kind: 'id', request: (f) => get(runPath(f, '/metrics/loss')) },
  'GET /api/v1/runs/:runId/model-versions': { kind: 'id', request: (f) => get(runPath(f, '/model-versions')) },
  'GET /api/v1/runs/:runId/artifacts': { kind: 'id', request: (f) => get(runPath(f, '/artifacts'), { path: 'dir' }) },
  'PUT /api/v1/runs/:runId/artifacts/*': { kind: 'id', request: (f) => upload(runPath(f, '/artifacts/new.txt'), `new bytes of ${f.marker}`) },
  'GET /api/v1/runs/:runId/artifacts/*': { kind: 'id', request: (f) => get(runPath(f, '/artifacts/dir/file.txt')) },
  'DELETE /api/v1/runs/:runId/artifacts/*': { kind: 'id', request: (f) => remove(runPath(f, '/artifacts/dir/file.txt')) },

  // Native registry
  'GET /api/v1/models': { kind: 'list', request: () => get('/api/v1/models', { maxResults: '1000' }), sees: (f) => [f.modelName] },
  'POST /api/v1/models': { kind: 'create', request: (f) => post('/api/v1/models', { name: f.modelName }) },
  'GET /api/v1/models/:name': { kind: 'id', request: (f) => get(modelPath(f)) },
  'PATCH /api/v1/models/:name': { kind: 'id', request: (f) => patch(modelPath(f), { description: 'd' }) },
  'DELETE /api/v1/models/:name': { kind: 'id', request: (f) => remove(modelPath(f)) },
  'PUT /api/v1/models/:name/tags/:key': { kind: 'id', request: (f) => put(modelPath(f, '/tags/k'), { value: 'v' }) },
  'DELETE /api/v1/models/:name/tags/:key': { kind: 'id', request: (f) => remove(modelPath(f, '/tags/owner')) },
  'GET /api/v1/models/:name/versions': { kind: 'id', request: (f) => get(modelPath(f, '/versions')) },
  'POST /api/v1/models/:name/versions': {
    kind: 'id',
    request: (f) => post(modelPath(f, '/versions'), { runId: f.runId, artifactPath: 'model' }),
    mixed: [
      (own, foreign) => post(modelPath(own, '/versions'), { runId: foreign.runId, artifactPath: 'model' }),
      (own, foreign) => post(modelPath(own, '/versions'), { runId: own.runId, artifactPath: 'model', modelId: foreign.loggedModelId }),
    ],
  },
  'GET /api/v1/models/:name/versions/:version': { kind: 'id', request: (f) => get(modelPath(f, '/versions/1')) },
  'PATCH /api/v1/models/:name/versions/:version': { kind: 'id', request: (f) => patch(modelPath(f, '/versions/1'), { description: 'd' }) },
  'DELETE /api/v1/models/:name/versions/:version': { kind: 'id', request: (f) => remove(modelPath(f, '/versions/1')) },
  'PUT /api/v1/models/:name/versions/:version/tags/:key': { kind: 'id', request: (f) => put(modelPath(f, '/versions/1/tags/k'), { value: 'v' }) },
  'DELETE /api/v1/models/:name/versions/:version/tags/:key': { kind: 'id', request: (f) => remove(modelPath(f, '/versions/1/tags/vt')) },
  'GET /api/v1/models/:name/versions/:version/lineage': { kind: 'id', request: (f) => get(modelPath(f, '/versions/1/lineage')) },
  'PUT /api/v1/models/:name/aliases/:alias': { kind: 'id', request: (f) => put(modelPath(f, '/aliases/staging'), { version: '1' }) },
  'GET /api/v1/models/:name/aliases/:alias': { kind: 'id', request: (f) => get(modelPath(f, '/aliases/champion')) },
  'DELETE /api/v1/models/:name/aliases/:alias': { kind: 'id', request: (f) => remove(modelPath(f, '/aliases/champion')) },
  'GET /api/v1/models/:name/history': { kind: 'id', request: (f) => get(modelPath(f, '/history')) },
  'GET /api/v1/openapi.json': { kind: 'instance', request: () => get('/api/v1/openapi.json') },
};

interface ProjectKeys {
  name: string;
  keys: Record<Role, string>;
}

let server: TestServer;
let projectA: ProjectKeys;
let projectB: ProjectKeys;
let fixtureCount = 0;

async function createProject(name: string): Promise<ProjectKeys> {
  const created = await callKeelOk<{ adminKey: { secret: string } }>(server.url, post('/api/v1/projects', { name }), server.adminKey);
  const admin = created.adminKey.secret;
  const key = async (role: Role) => (await callKeelOk<{ secret: string }>(server.url, post('/api/v1/keys', { name: `${name}-${role}`, role }), admin)).secret;
  return { name, keys: { admin, write: await key('write'), read: await key('read') } };
}

async function createFixture(project: ProjectKeys): Promise<Fixture> {
  fixtureCount += 1;
  const marker = `${project.name}-f${fixtureCount}`;
  const key = project.keys.admin;
  const call = <T>(request: KeelRequest) => callKeelOk<T>(server.url, request, key);
  const experimentName = `exp-${marker}`;
  const { experiment_id: experimentId } = await call<{ experiment_id: string }>(post(mlflow('experiments/create'), { name: experimentName, tags: [{ key: 'team', value: marker }] }));
  const created = await call<{ run: { info: { run_id: string } } }>(post(mlflow('runs/create'), { experiment_id: experimentId, run_name: `run-${marker}`, tags: [{ key: 'stage', value: 'fixture' }] }));
  const runId = created.run.info.run_id;
  await call(post(mlflow('runs/log-batch'), {
    run_id: runId,
    metrics: [{ key: 'loss', value: 0.5, timestamp: 1000, step: 0 }, { key: 'loss', value: 0.25, timestamp: 1001, step: 1 }],
    params: [{ key: 'lr', value: '0.1' }],
    tags: [{ key: 'note', value: marker }],
  }));
  await call(upload(`/api/v1/runs/${runId}/artifacts/dir/file.txt`, `artifact of ${marker}`));
  const logged = await call<{ model: { info: { model_id: string } } }>(post(mlflow('logged-models'), { experiment_id: experimentId, name: `lm-${marker}`, source_run_id: runId, tags: [{ key: 'lt', value: marker }] }));
  const modelName = `model-${marker}`;
  await call(post(mlflow('registered-models/create'), { name: modelName, tags: [{ key: 'owner', value: marker }] }));
  await call(post(mlflow('model-versions/create'), { name: modelName, source: `runs:/${runId}/model`, run_id: runId, tags: [{ key: 'vt', value: marker }] }));
  await call(post(mlflow('registered-models/alias'), { name: modelName, alias: 'champion', version: '1' }));
  const revocable = await call<{ key: { id: string } }>(post('/api/v1/keys', { name: `revocable-${marker}`, role: 'read' }));
  return { marker, experimentId, experimentName, runId, loggedModelId: logged.model.info.model_id, modelName, keyId: revocable.key.id };
}

const errorOf = (response: KeelResponse) => ({ status: response.status, error_code: (response.json as { error_code?: unknown } | undefined)?.error_code });
const is2xx = (response: KeelResponse) => response.status >= 200 && response.status < 300;
const describeAnswer = (label: string, response: KeelResponse) => `${label} answered ${response.status}: ${response.text.slice(0, 300)}`;
let probe: KeelHomeProbe;
const snapshot = (): KeelHomeSnapshot => probe.snapshot();
const tableDigests = new WeakMap<object, string>();
const digest = (value: KeelHomeSnapshot): string => {
  let tables = tableDigests.get(value.tables);
  if (tables === undefined) {
    tables = createHash('sha256').update(JSON.stringify(value.tables)).digest('hex');
    tableDigests.set(value.tables, tables);
  }
  return `${tables}:${createHash('sha256').update(JSON.stringify(value.files)).digest('hex')}`;
};

/** Fails (softly) unless the whole database and artifact tree are as in `before`; shows the difference when not. */
async function expectNothingStored(before: KeelHomeSnapshot, label: string): Promise<void> {
  const after = snapshot();
  if (digest(after) !== digest(before)) expect.soft(after, `${label} stored something`).toEqual(before);
}

beforeAll(async () => {
  server = await startTestServer();
  probe = openKeelHomeProbe(server.home);
  const suffix = randomBytes(3).toString('hex');
  projectA = await createProject(`ra-${suffix}`);
  projectB = await createProject(`rb-${suffix}`);
  projectAName = projectA.name;
  // Experiment ids count up per project. Project B makes only a few experiments in this file; these
  // keep every experiment id of A's fixtures above them, so that an id of A never happens to name
  // one of B's own experiments.
  for (let index = 0; index < 10; index += 1) await callKeelOk(server.url, post(mlflow('experiments/create'), { name: `padding-${index}` }), projectA.keys.admin);
});

afterAll(async () => {
  probe?.close();
  await server?.close();
});

describe('route access', () => {
  test('every registered route refuses a missing key, a too-low role and another project\'s ids', { timeout: 180_000 }, async () => {
    const registered = server.server.routes.map((route) => `${route.method} ${route.url}`);
    expect(registered.filter((route) => !Object.hasOwn(routeTable, route)), 'registered routes missing from the table in route-access.test.ts').toEqual([]);
    expect(Object.keys(routeTable).filter((route) => !registered.includes(route)), 'table rows that name no registered route').toEqual([]);
    // What Fastify actually serves is exactly what was declared with defineRoute (nothing registered around it).
    expect([...listServedRoutes(server.server.app)].sort(), 'routes served vs routes declared with defineRoute').toEqual([...registered].sort());
    expect(new Set(registered).size).toBe(registered.length);

    const own = await createFixture(projectB);
    for (const spec of server.server.routes) {
      const route = `${spec.method} ${spec.url}`;
      const entry = routeTable[route];
      if (entry === undefined) continue;
      const fixture = await createFixture(projectA);
      const request = entry.request(fixture);
      expect(request.method, `${route}: the table builds a ${request.method} request`).toBe(spec.method);

      if (spec.access === 'public') {
        expect.soft(entry.kind, `${route} is public`).toBe('public');
        const answer = await callKeel(server.url, request);
        expect.soft(answer.status, describeAnswer(`${route} without a key`, answer)).toBe(200);
        continue;
      }
      expect.soft(entry.kind, `${route} needs '${spec.access}' but its table row says public`).not.toBe('public');

      // (a) No key: 401, nothing stored.
      let before = snapshot();
      const anonymous = await callKeel(server.url, request);
      expect.soft(errorOf(anonymous), describeAnswer(`${route} without a key`, anonymous)).toEqual({ status: 401, error_code: 'UNAUTHENTICATED' });
      await expectNothingStored(before, `${route} without a key`);

      // (b) One role too low: 403, nothing stored.
      const lower = { read: undefined, write: projectA.keys.read, admin: projectA.keys.write, superuser: projectA.keys.admin }[spec.access];
      if (lower !== undefined) {
        before = snapshot();
        const denied = await callKeel(server.url, request, lower);
        expect.soft(errorOf(denied), describeAnswer(`${route} with a key one role too low`, denied)).toEqual({ status: 403, error_code: 'PERMISSION_DENIED' });
        await expectNothingStored(before, `${route} with a key one role too low`);
      }

      // (c) Project B's key with enough role.
      const keyB = spec.access === 'superuser' ? undefined : projectB.keys[spec.access];
      const keyA = spec.access === 'superuser' ? server.adminKey : projectA.keys[spec.access];
      switch (entry.kind) {
        case 'id': {
          if (keyB === undefined) throw new Error(`${route}: a superuser route cannot address a project's resources`);
          before = snapshot();
          const foreign = await callKeel(server.url, request, keyB);
          expect.soft(errorOf(foreign), describeAnswer(`${route} with project B's key on project A's ids`, foreign)).toEqual({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
          await expectNothingStored(before, `${route} with project B's key on project A's ids`);
          // The same request with A's own key works, so the 404 above is about the project, not a bad request.
          const allowed = await callKeel(server.url, request, keyA);
          expect.soft(is2xx(allowed), describeAnswer(`${route} with project A's own key`, allowed)).toBe(true);
          break;
        }
        case 'list': {
          if (keyB === undefined) throw new Error(`${route}: a superuser route cannot list a project's resources`);
          const answerB = await callKeel(server.url, request, keyB);
          const answerA = await callKeel(server.url, request, keyA);
          expect.soft(is2xx(answerB), describeAnswer(`${route} with project B's key`, answerB)).toBe(true);
          expect.soft(is2xx(answerA), describeAnswer(`${route} with project A's key`, answerA)).toBe(true);
          for (const item of entry.sees(fixture)) {
            expect.soft(answerA.text, `${route}: project A's answer lists its own ${item}`).toContain(item);
            expect.soft(answerB.text, `${route}: project B's answer lists project A's ${item}`).not.toContain(item);
          }
          break;
        }
        case 'create': {
          if (keyB === undefined) throw new Error(`${route}: a superuser route cannot create in a project`);
          const created = await callKeel(server.url, request, keyB);
          expect.soft(is2xx(created), describeAnswer(`${route} with project B's key, under a name taken in project A`, created)).toBe(true);
          break;
        }
        case 'instance': {
          const answer = await callKeel(server.url, request, keyB ?? keyA);
          expect.soft(is2xx(answer), describeAnswer(`${route} with an allowed key`, answer)).toBe(true);
          break;
        }
        case 'public':
          break;
      }

      // Mixed: B's own resource named together with one of A's (a run of A in B's model version, ...).
      const mixed = entry.kind === 'id' || entry.kind === 'list' ? (entry.mixed ?? []) : [];
      for (const [index, build] of mixed.entries()) {
        if (keyB === undefined) continue;
        before = snapshot();
        const foreign = await callKeel(server.url, build(own, fixture), keyB);
        expect.soft(errorOf(foreign), describeAnswer(`${route} (mixed #${index}) naming project A's resource from project B`, foreign)).toEqual({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
        await expectNothingStored(before, `${route} (mixed #${index}) naming project A's resource from project B`);
        const allowed = await callKeel(server.url, build(own, own), keyB);
        expect.soft(is2xx(allowed), describeAnswer(`${route} (mixed #${index}) with project B's own resources`, allowed)).toBe(true);
      }
    }
  });

  test('a revoked key is refused with 401 and can store nothing', async () => {
    const fixture = await createFixture(projectA);
    const created = await callKeelOk<{ key: { id: string }; secret: string }>(server.url, post('/api/v1/keys', { name: 'soon-revoked', role: 'write' }), projectA.keys.admin);
    const write = post(mlflow('runs/log-parameter'), { run_id: fixture.runId, key: 'after-revoke', value: '1' });
    const reads = [get(mlflow('runs/get'), { run_id: fixture.runId }), get(runPath(fixture))];
    for (const request of reads) expect((await callKeel(server.url, request, created.secret)).status).toBe(200);
    expect((await callKeel(server.url, { ...reads[0]!, headers: basic(created.secret) })).status).toBe(200);

    const revoked = await callKeel(server.url, remove(`/api/v1/keys/${created.key.id}`), projectA.keys.admin);
    expect(revoked.status, revoked.text).toBe(200);

    const before = snapshot();
    for (const request of [...reads, write]) {
      const answer = await callKeel(server.url, request, created.secret);
      expect(errorOf(answer), describeAnswer(`${request.method} ${request.path}`, answer)).toEqual({ status: 401, error_code: 'UNAUTHENTICATED' });
    }
    const viaBasic = await callKeel(server.url, { ...write, headers: basic(created.secret) });
    expect(errorOf(viaBasic)).toEqual({ status: 401, error_code: 'UNAUTHENTICATED' });
    await expectNothingStored(before, 'the refused requests');
    // Revoking twice is a 404: there is no active key with that id any more.
    expect(errorOf(await callKeel(server.url, remove(`/api/v1/keys/${created.key.id}`), projectA.keys.admin))).toEqual({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  test('HTTP Basic with the key as password works on the MLflow routes, with the key\'s role and project', async () => {
    const fixture = await createFixture(projectA);
    const search = await callKeel(server.url, { ...post(mlflow('experiments/search'), { max_results: 1000 }), headers: basic(projectA.keys.read, 'any-user') });
    expect(search.status, search.text).toBe(200);
    expect(search.text).toContain(fixture.experimentName);
    expect(search.text).not.toContain(`exp-${projectB.name}`);

    const name = `basic-created-${fixture.marker}`;
    const created = await callKeel(server.url, { ...post(mlflow('experiments/create'), { name }), headers: basic(projectA.keys.write) });
    expect(created.status, created.text).toBe(200);
    const found = await callKeel(server.url, get(mlflow('experiments/get-by-name'), { experiment_name: name }), projectA.keys.read);
    expect(found.status, found.text).toBe(200);

    const bytes = `uploaded with basic auth ${fixture.marker}`;
    const uploaded = await callKeel(server.url, { ...upload(`${proxy}/${fixture.experimentId}/${fixture.runId}/artifacts/basic.txt`, bytes), headers: basic(projectA.keys.write) });
    expect(uploaded.status, uploaded.text).toBe(200);
    const downloaded = await callKeel(server.url, { ...get(`${proxy}/${fixture.experimentId}/${fixture.runId}/artifacts/basic.txt`), headers: basic(projectA.keys.read) });
    expect(downloaded.text).toBe(bytes);

    const before = snapshot();
    const tooLow = await callKeel(server.url, { ...post(mlflow('experiments/create'), { name: `${name}-2` }), headers: basic(projectA.keys.read) });
    expect(errorOf(tooLow)).toEqual({ status: 403, error_code: 'PERMISSION_DENIED' });
    const wrongSecret = await callKeel(server.url, { ...post(mlflow('experiments/create'), { name: `${name}-3` }), headers: basic(`${projectA.keys.write}x`) });
    expect(errorOf(wrongSecret)).toEqual({ status: 401, error_code: 'UNAUTHENTICATED' });
    const otherProject = await callKeel(server.url, { ...get(mlflow('experiments/get'), { experiment_id: fixture.experimentId }), headers: basic(projectB.keys.admin) });
    expect(errorOf(otherProject)).toEqual({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
    // The native API takes bearer keys only.
    const native = await callKeel(server.url, { ...get('/api/v1/experiments'), headers: basic(projectA.keys.read) });
    expect(errorOf(native)).toEqual({ status: 401, error_code: 'UNAUTHENTICATED' });
    await expectNothingStored(before, 'the refused requests');
  });

  test('a key of project B that names project A in X-Keel-Project is refused with 403', async () => {
    const fixture = await createFixture(projectA);
    const asA = { 'x-keel-project': projectA.name };
    const requests: KeelRequest[] = [
      get(mlflow('experiments/get'), { experiment_id: fixture.experimentId }),
      post(mlflow('experiments/search'), {}),
      get('/api/v1/experiments'),
      get(runPath(fixture)),
      post(mlflow('runs/log-parameter'), { run_id: fixture.runId, key: 'from-b', value: '1' }),
      post(mlflow('experiments/create'), { name: `from-b-${fixture.marker}` }),
      upload(runPath(fixture, '/artifacts/from-b.txt'), 'from b'),
      post('/api/v1/keys', { name: 'from-b', role: 'admin' }),
    ];
    const before = snapshot();
    for (const request of requests) {
      for (const role of ['read', 'admin'] as const) {
        const answer = await callKeel(server.url, { ...request, headers: asA }, projectB.keys[role]);
        expect.soft(errorOf(answer), describeAnswer(`${request.method} ${request.path} by B's ${role} key as project A`, answer)).toEqual({ status: 403, error_code: 'PERMISSION_DENIED' });
      }
    }
    await expectNothingStored(before, 'the refused requests');

    // Naming its own project is fine; the instance administrator may act in any project.
    const ownProject = await callKeel(server.url, { ...post(mlflow('experiments/search'), {}), headers: { 'x-keel-project': projectB.name } }, projectB.keys.read);
    expect(ownProject.status, ownProject.text).toBe(200);
    expect(ownProject.text).not.toContain(fixture.experimentName);
    const asAdmin = await callKeel(server.url, { ...get(mlflow('experiments/get'), { experiment_id: fixture.experimentId }), headers: asA }, server.adminKey);
    expect(asAdmin.status, asAdmin.text).toBe(200);
    expect(asAdmin.text).toContain(fixture.experimentName);
    const unknown = await callKeel(server.url, { ...post(mlflow('experiments/search'), {}), headers: { 'x-keel-project': 'no-such-project' } }, server.adminKey);
    expect(errorOf(unknown)).toEqual({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });
});
