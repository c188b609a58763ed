import type { KeelRequest } from '@keel/testing';

/**
 * How to call each route of the server on resources of one project, for the route-access walk
 * (route-access.test.ts). A route added without a row here fails that walk.
 */

export type Role = 'read' | 'write' | 'admin';

/** Resources made in one project for one route's checks (fresh for every route, so writes do not interfere). */
export interface Fixture {
  marker: string;
  projectName: string;
  experimentId: string;
  experimentName: string;
  runId: string;
  loggedModelId: string;
  /** A registered model with version 1 (tag `vt`, alias `champion`) and tag `owner`. */
  modelName: string;
  /** A text prompt with versions 1 (label `production`) and 2. */
  promptName: string;
  /** A read key of the project, for the key routes to list and revoke. */
  keyId: string;
  /** A trace of two spans (session `session-<marker>`, user `user-<marker>`, a generation on gpt-4o). */
  traceId: string;
  /** A fresh one-time web UI sign-in token. */
  signInToken: string;
  /** The name of one file of the built web UI. */
  webAsset: string;
}

type Build = (fixture: Fixture) => KeelRequest;
/** A request on a resource of the caller's own project that names a resource of another project. */
type Mixed = (own: Fixture, foreign: Fixture) => KeelRequest;

export type RouteCase =
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

export const mlflow = (path: string): string => `/api/2.0/mlflow/${path}`;
export const proxy = '/api/2.0/mlflow-artifacts/artifacts';
const enc = encodeURIComponent;
export const get = (path: string, query?: KeelRequest['query']): KeelRequest => (query === undefined ? { method: 'GET', path } : { method: 'GET', path, query });
export const post = (path: string, body: unknown = {}): KeelRequest => ({ method: 'POST', path, body });
export const patch = (path: string, body: unknown): KeelRequest => ({ method: 'PATCH', path, body });
export const put = (path: string, body: unknown): KeelRequest => ({ method: 'PUT', path, body });
export const upload = (path: string, bytes: string): KeelRequest => ({ method: 'PUT', path, rawBody: bytes });
export const remove = (path: string, body?: unknown): KeelRequest => (body === undefined ? { method: 'DELETE', path } : { method: 'DELETE', path, body });
/** An OTLP/JSON export request of one trace: a root span and a generation under it. */
export function otlpTraceRequest(path: string, traceId: string, marker: string): KeelRequest {
  const now = BigInt(Date.now()) * 1_000_000n;
  const span = (spanId: string, parentSpanId: string, name: string, attributes: Record<string, string | number>) => ({
    traceId, spanId, parentSpanId, name, kind: 1, startTimeUnixNano: String(now), endTimeUnixNano: String(now + 1_000_000n), status: {},
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: typeof value === 'number' ? { intValue: value } : { stringValue: value } })),
  });
  const body = {
    resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'route-access' }, spans: [
      span('0000000000000001', '', `root-${marker}`, { 'session.id': `session-${marker}`, 'user.id': `user-${marker}` }),
      span('0000000000000002', '0000000000000001', 'chat', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 10, 'user.id': `user-${marker}` }),
    ] }] }],
  };
  return { method: 'POST', path, rawBody: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
}
const traceWindow = (): Record<string, string> => ({ from: String(Date.now() - 3_600_000), to: String(Date.now() + 3_600_000) });
export const traceSettings = (marker: string) => ({ retentionDays: null, pii: { detectors: ['email'], custom: [{ name: marker, pattern: 'secret-[0-9]+' }] }, prices: [] });
/** Where the fixture's gateway provider points: a local fake OpenAI server the test starts. */
export const gatewayUpstream = { baseURL: 'http://127.0.0.1:9/v1' };
/** A gateway document whose provider and models are named after the fixture; the fixture also issues virtual key `vk-<marker>`. */
export const gatewayDocument = (marker: string) => ({
  providers: [{ name: `prov-${marker}`, type: 'openai', base_url: gatewayUpstream.baseURL, api_key: 'sk-route-access' }],
  models: [
    { name: `chat-${marker}`, targets: [{ provider: `prov-${marker}`, model: 'gpt-4o' }] },
    { name: `embed-${marker}`, kind: 'embedding', targets: [{ provider: `prov-${marker}`, model: 'text-embedding-3-small' }] },
  ],
});

export const runPath = (fixture: Fixture, rest = ''): string => `/api/v1/runs/${fixture.runId}${rest}`;
const modelPath = (fixture: Fixture, rest = ''): string => `/api/v1/models/${enc(fixture.modelName)}${rest}`;
const promptPath = (fixture: Fixture, rest = ''): string => `/api/v1/prompts/${enc(fixture.promptName)}${rest}`;
const experimentPath = (fixture: Fixture, rest = ''): string => `/api/v1/experiments/${fixture.experimentId}${rest}`;
const loggedModelPath = (fixture: Fixture, rest = ''): string => mlflow(`logged-models/${fixture.loggedModelId}${rest}`);
const dataset = { tags: [], dataset: { name: 'ds', digest: 'd1', source_type: 'local', source: 'file:///data' } };

export const routeTable: Record<string, RouteCase> = {
  // System
  'GET /health': { kind: 'public', request: () => get('/health') },
  'GET /version': { kind: 'public', request: () => get('/version') },
  'GET /metrics': { kind: 'instance', request: () => get('/metrics') },

  // Web UI
  'GET /': { kind: 'public', request: () => get('/') },
  'GET /assets/:file': { kind: 'public', request: (f) => get(`/assets/${enc(f.webAsset)}`) },
  'POST /api/v1/ui/sign-in': { kind: 'public', request: (f) => post('/api/v1/ui/sign-in', { token: f.signInToken }) },

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
  'GET /api/v1/projects': { kind: 'list', request: () => get('/api/v1/projects'), sees: (f) => [`"name":"${f.projectName}"`] },
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

  // Native prompt registry, and the Langfuse-compatible read
  'POST /api/v1/prompts': { kind: 'create', request: (f) => post('/api/v1/prompts', { name: f.promptName, type: 'text', template: 'Hi {{who}}', variables: ['who'] }) },
  'GET /api/v1/prompts': { kind: 'list', request: () => get('/api/v1/prompts', { maxResults: '1000' }), sees: (f) => [f.promptName] },
  'GET /api/v1/prompts/:name': { kind: 'id', request: (f) => get(promptPath(f), { label: 'production' }) },
  'GET /api/v1/prompts/:name/versions': { kind: 'id', request: (f) => get(promptPath(f, '/versions')) },
  'PUT /api/v1/prompts/:name/labels/:label': { kind: 'id', request: (f) => put(promptPath(f, '/labels/staging'), { version: 2 }) },
  'DELETE /api/v1/prompts/:name/labels/:label': { kind: 'id', request: (f) => remove(promptPath(f, '/labels/production')) },
  'GET /api/v1/prompts/:name/history': { kind: 'id', request: (f) => get(promptPath(f, '/history')) },
  'GET /api/v1/prompts/:name/diff': { kind: 'id', request: (f) => get(promptPath(f, '/diff'), { from: '1', to: '2' }) },
  'GET /api/v1/prompts/:name/usage': { kind: 'id', request: (f) => get(promptPath(f, '/usage'), { from: '0', to: '2000000000000' }) },
  'GET /api/public/v2/prompts/:name': { kind: 'id', request: (f) => get(`/api/public/v2/prompts/${enc(f.promptName)}`) },
  'GET /api/v1/openapi.json': { kind: 'instance', request: () => get('/api/v1/openapi.json') },

  // Tracing: OTLP ingest (trace ids are per project, so B exporting A's ids makes B's own trace) and queries
  'POST /v1/traces': { kind: 'create', request: (f) => otlpTraceRequest('/v1/traces', f.traceId, f.marker) },
  'POST /api/public/otel/v1/traces': { kind: 'create', request: (f) => otlpTraceRequest('/api/public/otel/v1/traces', f.traceId, f.marker) },
  'GET /api/v1/traces': { kind: 'list', request: () => get('/api/v1/traces', { ...traceWindow(), limit: '500' }), sees: (f) => [f.traceId] },
  'GET /api/v1/traces/:traceId': { kind: 'id', request: (f) => get(`/api/v1/traces/${f.traceId}`) },
  'POST /api/v1/traces/:traceId/scores': { kind: 'id', request: (f) => post(`/api/v1/traces/${f.traceId}/scores`, { name: 'helpful', dataType: 'boolean', value: true }) },
  'GET /api/v1/traces/:traceId/scores': { kind: 'id', request: (f) => get(`/api/v1/traces/${f.traceId}/scores`) },
  'GET /api/v1/sessions': { kind: 'list', request: () => get('/api/v1/sessions', { ...traceWindow(), limit: '500' }), sees: (f) => [`session-${f.marker}`] },
  'GET /api/v1/sessions/:sessionId/traces': { kind: 'id', request: (f) => get(`/api/v1/sessions/session-${enc(f.marker)}/traces`) },
  'GET /api/v1/trace-metrics': { kind: 'list', request: () => get('/api/v1/trace-metrics', { ...traceWindow(), groupBy: 'user' }), sees: (f) => [`user-${f.marker}`] },
  'GET /api/v1/trace-costs': { kind: 'list', request: () => get('/api/v1/trace-costs', { ...traceWindow(), groupBy: 'user,day' }), sees: (f) => [`user-${f.marker}`] },
  'GET /api/v1/trace-settings': { kind: 'list', request: () => get('/api/v1/trace-settings'), sees: (f) => [f.marker] },
  'PUT /api/v1/trace-settings': { kind: 'create', request: (f) => put('/api/v1/trace-settings', traceSettings(f.marker)) },

  // Gateway configuration: one document per project, virtual keys by name, usage
  'GET /api/v1/gateway/config': { kind: 'list', request: () => get('/api/v1/gateway/config'), sees: (f) => [`prov-${f.marker}`] },
  'PUT /api/v1/gateway/config': { kind: 'create', request: (f) => put('/api/v1/gateway/config', gatewayDocument(f.marker)) },
  'GET /api/v1/gateway/keys': { kind: 'list', request: () => get('/api/v1/gateway/keys'), sees: (f) => [`vk-${f.marker}`] },
  'POST /api/v1/gateway/keys': { kind: 'create', request: (f) => post('/api/v1/gateway/keys', { name: `vk-${f.marker}`, limits: { rpm: 10 } }) },
  'DELETE /api/v1/gateway/keys/:name': { kind: 'id', request: (f) => remove(`/api/v1/gateway/keys/vk-${enc(f.marker)}`) },
  // No gateway traffic in this walk, so no usage rows to tell apart: this checks keys and roles.
  // The OpenAI-compatible routes: another project's model names are unknown models (404).
  'POST /v1/chat/completions': { kind: 'id', request: (f) => post('/v1/chat/completions', { model: `chat-${f.marker}`, messages: [{ role: 'user', content: 'hello' }] }) },
  'POST /v1/embeddings': { kind: 'id', request: (f) => post('/v1/embeddings', { model: `embed-${f.marker}`, input: 'hello' }) },
  'GET /v1/models': { kind: 'list', request: () => get('/v1/models'), sees: (f) => [`chat-${f.marker}`] },
  'GET /api/v1/gateway/usage': { kind: 'list', request: () => get('/api/v1/gateway/usage', { group_by: 'day,key,model' }), sees: () => [] },
};
