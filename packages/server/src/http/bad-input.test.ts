
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerAuth, createMlflowExperiment, createMlflowLoggedModel, createMlflowRun, expectMlflowError, expectOk, getMlflowRun, type HttpAnswer, mlflowHttp, uniqueName } from '@keel/testing';
import { type BadInputWorld, type Fixture, closeBadInputWorld, expectNothingStored, expectRejected, openBadInputWorld } from './bad-input-world.ts';

/**
 * Bad input on every kind of route (DESIGN.md §5): each answer is a 4xx in the one JSON error shape
 * (MLflow routes: exactly `error_code` and `message`), and nothing is stored: every row of every
 * table of keel.db and every file under <home> is as before.
 */

let world: BadInputWorld;
let main: Fixture;
let experimentId: string;
let runId: string;
let modelName: string;

beforeAll(async () => {
  world = await openBadInputWorld();
  ({ main, experimentId, runId, modelName } = world);
});
afterAll(async () => {
  await closeBadInputWorld(world);
});

describe('malformed JSON', () => {
  const bodies = ['{"name":', "{name: 'x'}", '{"name":"x"}garbage', '{"a":1,}', '\u0000', 'nan', '{"name":"\\uZZZZ"}', '{"__proto__":{"polluted":true},"name":"x"}'];
  const routes: [string, string][] = [
    ['POST', 'experiments/create'],
    ['POST', 'runs/create'],
    ['POST', 'runs/log-batch'],
    ['POST', 'registered-models/create'],
    ['DELETE', 'registered-models/delete'],
    ['PATCH', 'model-versions/update'],
    ['POST', 'logged-models'],
  ];
  it.each(routes)('%s %s answers 400 BAD_REQUEST to every malformed body', async (method, route) => {
    for (const body of bodies) {
      await expectRejected(main, () => main.client.send(method, route, { body, headers: { 'content-type': 'application/json' } }), 400, 'BAD_REQUEST');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an empty body with a JSON content type is 400 BAD_REQUEST', async () => {
    await expectRejected(main, () => main.client.send('POST', 'experiments/create', { body: '', headers: { 'content-type': 'application/json' } }), 400, 'BAD_REQUEST');
  });

  it('the native API answers malformed JSON in the same shape', async () => {
    await expectNothingStored(main, async () => {
      const answer = await main.client.send('POST', '/api/v1/experiments', { body: '{"name":', headers: { 'content-type': 'application/json' } });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error_code: 'BAD_REQUEST', message: expect.any(String) });
    });
  });
});

describe('wrong types', () => {
  const cases = (): [string, string, unknown][] => [
    ['POST', 'experiments/create', { name: 42 }],
    ['POST', 'experiments/create', { name: null }],
    ['POST', 'experiments/create', [{ name: 'in-an-array' }]],
    ['POST', 'experiments/create', 'just a string'],
    ['POST', 'experiments/create', { name: uniqueName('x'), tags: { key: 'a', value: 'b' } }],
    ['POST', 'experiments/create', { name: uniqueName('x'), tags: [{ key: 'a', value: 5 }] }],
    ['POST', 'runs/create', { experiment_id: Number(experimentId) }],
    ['POST', 'runs/create', { experiment_id: experimentId, start_time: 'yesterday' }],
    ['POST', 'runs/create', { experiment_id: experimentId, tags: 'mlflow.user=alice' }],
    ['POST', 'runs/update', { run_id: runId, status: 'DONE' }],
    ['POST', 'runs/update', { run_id: runId, end_time: 1.5 }],
    ['POST', 'runs/log-parameter', { run_id: runId, key: 'x', value: 0.01 }],
    ['POST', 'runs/log-parameter', { run_id: [runId], key: 'x', value: '1' }],
    ['POST', 'runs/set-tag', { run_id: runId, key: { nested: true }, value: 'v' }],
    ['POST', 'runs/log-metric', { run_id: runId, key: 'm', value: { v: 1 }, timestamp: 1 }],
    ['POST', 'runs/log-metric', { run_id: runId, key: 'm', value: 'abc', timestamp: 1 }],
    ['POST', 'runs/log-metric', { run_id: runId, key: 'm', value: 'nan', timestamp: 1 }],
    ['POST', 'runs/log-batch', { run_id: runId, metrics: { key: 'm', value: 1, timestamp: 1 } }],
    ['POST', 'runs/log-batch', { run_id: runId, params: [['k', 'v']] }],
    ['POST', 'runs/search', { experiment_ids: experimentId }],
    ['POST', 'runs/search', { experiment_ids: [experimentId], max_results: 'ten' }],
    ['POST', 'runs/search', { experiment_ids: [experimentId], order_by: 'metrics.acc' }],
    ['POST', 'runs/search', { experiment_ids: [experimentId], run_view_type: 'SOME' }],
    ['POST', 'registered-models/create', { name: ['clf'] }],
    ['POST', 'registered-models/alias', { name: modelName, alias: 'prod', version: 1.5 }],
    ['POST', 'registered-models/alias', { name: modelName, alias: 'prod', version: { v: 1 } }],
    ['POST', 'model-versions/create', { name: modelName, source: 7 }],
    ['POST', 'model-versions/transition-stage', { name: modelName, version: '1', stage: 'Prod' }],
    ['PATCH', 'registered-models/update', { name: modelName, description: false }],
    ['DELETE', 'registered-models/delete', { name: { $ne: '' } }],
    ['DELETE', 'model-versions/delete', { name: modelName, version: true }],
  ];
  it('JSON bodies with a number for a string, an array for an object and the like are 400 INVALID_PARAMETER_VALUE', async () => {
    for (const [method, route, body] of cases()) {
      const send = () => main.client.send(method, route, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      const message = await expectRejected(main, send, 400, 'INVALID_PARAMETER_VALUE');
      expect(message.length, `${method} ${route} ${JSON.stringify(body)}`).toBeGreaterThan(5);
    }
  });

  it('GET query strings with values of the wrong kind are 400 INVALID_PARAMETER_VALUE', async () => {
    const cases: [string, Record<string, string | string[]>][] = [
      ['registered-models/search', { max_results: 'abc' }],
      ['registered-models/search', { max_results: '-1' }],
      ['registered-models/search', { max_results: '100000000000' }],
      ['model-versions/search', { max_results: '0' }],
      ['experiments/search', { view_type: 'BOGUS' }],
      ['experiments/search', { max_results: '1.5' }],
      ['metrics/get-history', { run_id: runId, metric_key: 'acc', max_results: 'many' }],
      ['metrics/get-history', { run_id: runId, metric_key: ['a', 'b'] }],
      ['experiments/get', { experiment_id: [experimentId, experimentId] }],
      ['runs/get', {}],
      ['model-versions/get', { name: modelName }],
    ];
    for (const [route, query] of cases) await expectRejected(main, () => main.client.get(route, query), 400, 'INVALID_PARAMETER_VALUE');
  });
});

describe('ids that do not exist here', () => {
  it('unknown run, experiment, model and version ids are 404 RESOURCE_DOES_NOT_EXIST and store nothing', async () => {
    const missingRun = 'a'.repeat(32);
    const missingModel = `m-${'b'.repeat(32)}`;
    const now = Date.now();
    const cases: [string, string, unknown][] = [
      ['POST', 'runs/create', { experiment_id: '424242' }],
      ['POST', 'runs/log-metric', { run_id: missingRun, key: 'm', value: 1, timestamp: now }],
      ['POST', 'runs/log-parameter', { run_id: missingRun, key: 'p', value: 'v' }],
      ['POST', 'runs/set-tag', { run_id: missingRun, key: 't', value: 'v' }],
      ['POST', 'runs/log-batch', { run_id: missingRun, metrics: [{ key: 'm', value: 1, timestamp: now, step: 0 }] }],
      ['POST', 'runs/update', { run_id: missingRun, status: 'FINISHED' }],
      ['POST', 'runs/delete', { run_id: missingRun }],
      ['POST', 'runs/outputs', { run_id: missingRun, models: [{ model_id: missingModel, step: 0 }] }],
      ['POST', 'experiments/update', { experiment_id: '424242', new_name: uniqueName('x') }],
      ['POST', 'experiments/delete', { experiment_id: '424242' }],
      ['POST', 'experiments/set-experiment-tag', { experiment_id: '424242', key: 'k', value: 'v' }],
      ['POST', 'logged-models', { experiment_id: '424242', name: 'model' }],
      ['POST', 'logged-models', { experiment_id: experimentId, name: 'model', source_run_id: missingRun }],
      ['PATCH', `logged-models/${missingModel}`, { status: 'LOGGED_MODEL_READY' }],
      ['PATCH', `logged-models/${missingModel}/tags`, { tags: [{ key: 'k', value: 'v' }] }],
      ['POST', `logged-models/${missingModel}/params`, { params: [{ key: 'k', value: 'v' }] }],
      ['POST', 'model-versions/create', { name: uniqueName('ghost'), source: `runs:/${runId}/model` }],
      ['POST', 'model-versions/create', { name: modelName, source: `runs:/${missingRun}/model` }],
      ['POST', 'model-versions/create', { name: modelName, source: `models:/${missingModel}` }],
      ['POST', 'model-versions/create', { name: modelName, source: 's3://bucket/model', run_id: missingRun }],
      ['POST', 'registered-models/alias', { name: modelName, alias: 'prod', version: '99' }],
      ['PATCH', 'model-versions/update', { name: modelName, version: '99', description: 'x' }],
      ['DELETE', 'model-versions/delete', { name: modelName, version: '99' }],
      ['POST', 'registered-models/set-tag', { name: uniqueName('ghost'), key: 'k', value: 'v' }],
    ];
    for (const [method, route, body] of cases) {
      await expectRejected(main, () => main.client.send(method, route, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }), 404, 'RESOURCE_DOES_NOT_EXIST');
    }
  });

  it('another project\'s experiment, run, model and artifacts are 404 to a key of this project', async () => {
    const created = await fetch(`${main.server.url}/api/v1/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${main.server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: uniqueName('other-project') }),
    });
    expect(created.status).toBe(201);
    const { adminKey } = (await created.json()) as { adminKey: { secret: string } };
    const other = mlflowHttp(main.server.url, bearerAuth(adminKey.secret));
    // The other project has experiments with the same numbers: the run must still not be found.
    await createMlflowExperiment(other);
    await createMlflowExperiment(other);
    const root = `${experimentId}/${runId}/artifacts`;
    expectOk(await main.client.put(`/api/2.0/mlflow-artifacts/artifacts/${root}/private.txt`, 'secret', 'text/plain'));
    const now = Date.now();
    const attempts: (() => Promise<HttpAnswer>)[] = [
      () => other.get('runs/get', { run_id: runId }),
      () => other.get('metrics/get-history', { run_id: runId, metric_key: 'acc' }),
      () => other.post('runs/log-metric', { run_id: runId, key: 'm', value: 1, timestamp: now }),
      () => other.post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.5' }),
      () => other.post('runs/update', { run_id: runId, status: 'KILLED' }),
      () => other.post('runs/delete', { run_id: runId }),
      () => other.get('registered-models/get', { name: modelName }),
      () => other.get('model-versions/get', { name: modelName, version: '1' }),
      () => other.delete('registered-models/delete', { name: modelName }),
      () => other.get(`/api/2.0/mlflow-artifacts/artifacts/${root}/private.txt`),
      () => other.put(`/api/2.0/mlflow-artifacts/artifacts/${root}/planted.txt`, 'x', 'text/plain'),
      () => other.delete(`/api/2.0/mlflow-artifacts/artifacts/${root}/private.txt`),
      () => other.get('artifacts/list', { run_id: runId }),
    ];
    for (const attempt of attempts) await expectRejected(main, attempt, 404, 'RESOURCE_DOES_NOT_EXIST');
    expect(await main.client.get(`/api/2.0/mlflow-artifacts/artifacts/${root}/private.txt`)).toMatchObject({ status: 200, text: 'secret' });
  });
});

describe('search strings', () => {
  const filters = [
    'metrics.acc >> 0.9',
    "params.lr = '0.01",
    "metrics.acc > 'high'",
    'attributes.nope = 1',
    'and',
    'metrics.acc > 0.9 and',
    "tags.k IN ('a'",
    'metrics.',
    "params.lr = '0.01' OR 1=1",
    "params.lr = '0.01'; DROP TABLE runs; --",
    '=',
  ];
  it.each(filters)('runs/search with filter %j is 400 naming the position', async (filter) => {
    const message = await expectRejected(main, () => main.client.post('runs/search', { experiment_ids: [experimentId], filter }), 400, 'INVALID_PARAMETER_VALUE');
    expect(message).toMatch(/position \d+/);
  });

  it('bad filters on experiments, registered models and model versions, and bad order_by, name the position', async () => {
    const answers: (() => Promise<HttpAnswer>)[] = [
      () => main.client.post('experiments/search', { filter: 'name ~ 1' }),
      () => main.client.get('experiments/search', { filter: 'metrics.acc > 1' }),
      () => main.client.get('registered-models/search', { filter: "name LIKE 'x" }),
      () => main.client.get('model-versions/search', { filter: 'version_number > abc' }),
      () => main.client.post('runs/search', { experiment_ids: [experimentId], order_by: ['metrics.acc SIDEWAYS'] }),
      () => main.client.get('registered-models/search', { order_by: ['nonsense_column'] }),
    ];
    for (const send of answers) expect(await expectRejected(main, send, 400, 'INVALID_PARAMETER_VALUE')).toMatch(/position \d+/);
  });

  it('a forged page token is 400 INVALID_PARAMETER_VALUE', async () => {
    for (const token of ['garbage', 'eyJ4IjoxfQ', Buffer.from('{"offset":-5}').toString('base64'), '%%%']) {
      await expectRejected(main, () => main.client.post('runs/search', { experiment_ids: [experimentId], page_token: token }), 400, 'INVALID_PARAMETER_VALUE');
      await expectRejected(main, () => main.client.get('metrics/get-history', { run_id: runId, metric_key: 'acc', page_token: token }), 400, 'INVALID_PARAMETER_VALUE');
    }
  });
});

describe('log-batch limits and metric validation', () => {
  const now = Date.now();
  const metrics = (count: number) => Array.from({ length: count }, (_unused, step) => ({ key: 'loss', value: step / 10, timestamp: now, step }));
  const params = (count: number) => Array.from({ length: count }, (_unused, index) => ({ key: `p${index}`, value: String(index) }));

  it('1001 metrics, 101 params, 101 tags or 1001 items in all are 400 and store nothing', async () => {
    const run = await createMlflowRun(main.client, experimentId);
    const batches = [
      { metrics: metrics(1001) },
      { params: params(101) },
      { tags: params(101) },
      { metrics: metrics(1000), params: params(1) },
      { metrics: metrics(950), params: params(30), tags: params(30) },
    ];
    for (const batch of batches) {
      const message = await expectRejected(main, () => main.client.post('runs/log-batch', { run_id: run.run_id, ...batch }), 400, 'INVALID_PARAMETER_VALUE');
      expect(message).toMatch(/1000|100/);
    }
    // The limits themselves are accepted.
    expectOk(await main.client.post('runs/log-batch', { run_id: run.run_id, metrics: metrics(1000) }));
    expectOk(await main.client.post('runs/log-batch', { run_id: run.run_id, params: params(100), tags: params(100) }));
  });

  it('bad keys and values in a batch reject the whole batch', async () => {
    const run = await createMlflowRun(main.client, experimentId);
    const good = { key: 'good', value: 1, timestamp: now, step: 0 };
    const batches = [
      { metrics: [good, { ...good, key: 'k'.repeat(251) }] },
      { metrics: [good, { ...good, key: '../escape' }] },
      { metrics: [good, { ...good, key: '/absolute' }] },
      { metrics: [good, { ...good, key: 'new\nline' }] },
      { metrics: [good], params: [{ key: 'dup', value: 'a' }, { key: 'dup', value: 'b' }] },
      { metrics: [good], params: [{ key: 'long', value: 'v'.repeat(6001) }] },
      { metrics: [good], tags: [{ key: 'long', value: 'v'.repeat(5001) }] },
      { metrics: [good], params: [{ key: '', value: 'x' }] },
    ];
    for (const batch of batches) await expectRejected(main, () => main.client.post('runs/log-batch', { run_id: run.run_id, ...batch }), 400, 'INVALID_PARAMETER_VALUE');
    expect((await getMlflowRun(main.client, run.run_id)).data.metrics ?? []).toEqual([]);
  });

  it('a bad field of one metric is named in the answer, and none of the batch is stored', async () => {
    const run = await createMlflowRun(main.client, experimentId);
    const good = { key: 'good', value: 1, timestamp: now, step: 0 };
    const message = await expectRejected(
      main,
      () => main.client.post('runs/log-batch', { run_id: run.run_id, metrics: [good, { ...good, value: 'high' }], params: [{ key: 'lr', value: '0.1' }] }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    expect(message).toBe('Invalid request at \'metrics.1.value\': expected a number, "NaN", "Infinity" or "-Infinity"');
    const stored = await getMlflowRun(main.client, run.run_id);
    expect([stored.data.metrics ?? [], stored.data.params ?? []]).toEqual([[], []]);
  });

  it('invalid metric timestamps and steps are 400 for log-metric and log-batch', async () => {
    const run = await createMlflowRun(main.client, experimentId);
    const timestamps: unknown[] = [-1, 1.5, 'abc', '', null, true, 1e300, '99999999999999999999', 'NaN', 'Infinity', [1], { ms: 1 }];
    for (const timestamp of timestamps) {
      await expectRejected(main, () => main.client.post('runs/log-metric', { run_id: run.run_id, key: 'm', value: 1, timestamp, step: 0 }), 400, 'INVALID_PARAMETER_VALUE');
      await expectRejected(main, () => main.client.post('runs/log-batch', { run_id: run.run_id, metrics: [{ key: 'm', value: 1, timestamp, step: 0 }] }), 400, 'INVALID_PARAMETER_VALUE');
    }
    await expectRejected(main, () => main.client.post('runs/log-metric', { run_id: run.run_id, key: 'm', value: 1 }), 400, 'INVALID_PARAMETER_VALUE');
    for (const step of [1.5, 'x', 1e300, { s: 1 }]) {
      await expectRejected(main, () => main.client.post('runs/log-metric', { run_id: run.run_id, key: 'm', value: 1, timestamp: now, step }), 400, 'INVALID_PARAMETER_VALUE');
    }
  });
});

describe('values stored earlier that a later request reads', () => {
  it('runs/log-model with a history tag that is not a JSON list, or model_json that is not JSON, is 400', async () => {
    const run = await createMlflowRun(main.client, experimentId);
    const modelJson = JSON.stringify({ artifact_path: 'model', flavors: {} });
    expect(expectOk(await main.client.post('runs/log-model', { run_id: run.run_id, model_json: modelJson }))).toEqual({});
    await expectRejected(main, () => main.client.post('runs/log-model', { run_id: run.run_id, model_json: '{not json' }), 400, 'INVALID_PARAMETER_VALUE');
    for (const history of ['5', '{"a":1}', 'not json', 'null']) {
      expectOk(await main.client.post('runs/set-tag', { run_id: run.run_id, key: 'mlflow.log-model.history', value: history }));
      await expectRejected(main, () => main.client.post('runs/log-model', { run_id: run.run_id, model_json: modelJson }), 400, 'INVALID_PARAMETER_VALUE');
    }
  });

  it('a logged model of this project can still be found after all the rejected requests', async () => {
    const run = await createMlflowRun(main.client, experimentId);
    const model = await createMlflowLoggedModel(main.client, experimentId, run.run_id);
    expectMlflowError(await main.client.patch(`logged-models/${model.info.model_id}`, { status: 'READY' }), 400, 'INVALID_PARAMETER_VALUE');
    expect(expectOk<{ model: { info: { status: string } } }>(await main.client.get(`logged-models/${model.info.model_id}`)).model.info.status).toBe('LOGGED_MODEL_PENDING');
  });
});
