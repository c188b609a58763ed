import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basicAuth, bearerAuth, createMlflowExperiment, createMlflowRegisteredModel, createMlflowRun, type DatabaseProbe, expectMlflowError, expectOk, expectRawError, getMlflowRun,
  type MlflowHttp, mlflowHttp, openDatabaseProbe, rawRequest, startTestServer, type TestServer, uniqueName,
} from '@keel/testing';

/** The error behaviour MLflow clients depend on (mlflow-rest-api.md §2-3), in MLflow's one error shape. */

let server: TestServer;
let client: MlflowHttp;
let probe: DatabaseProbe;

beforeAll(async () => {
  server = await startTestServer();
  client = mlflowHttp(server.url, bearerAuth(server.adminKey));
  probe = openDatabaseProbe(server.home);
});
afterAll(async () => {
  probe.close();
  await server.close();
});

/** Runs `work` and asserts that the database is exactly as before (every row of every table). */
async function expectNothingStored(work: () => Promise<void>): Promise<void> {
  await server.settle();
  const counts = probe.counts();
  const digest = probe.digest();
  await work();
  expect(probe.counts()).toEqual(counts);
  expect(probe.digest()).toBe(digest);
}

describe('missing resources', () => {
  it('experiments/get-by-name for a missing name is 404 RESOURCE_DOES_NOT_EXIST (the client then creates it)', async () => {
    const message = expectMlflowError(await client.get('experiments/get-by-name', { experiment_name: uniqueName('missing') }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect(message).toContain('missing-');
  });

  it('unknown experiment, run, registered model, model version, logged model and alias are 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const name = await createMlflowRegisteredModel(client);
    const answers = [
      await client.get('experiments/get', { experiment_id: '987654' }),
      await client.get('runs/get', { run_id: 'f'.repeat(32) }),
      await client.get('metrics/get-history', { run_id: 'f'.repeat(32), metric_key: 'acc' }),
      await client.get('registered-models/get', { name: uniqueName('nope') }),
      await client.get('model-versions/get', { name, version: '7' }),
      await client.get(`logged-models/m-${'0'.repeat(32)}`),
      await client.get('registered-models/alias', { name, alias: 'champion' }),
      await client.delete('registered-models/delete', { name: uniqueName('nope') }),
    ];
    for (const answer of answers) expectMlflowError(answer, 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});

describe('duplicates', () => {
  it('a second experiment with the same name is 400 RESOURCE_ALREADY_EXISTS and stores nothing', async () => {
    const name = uniqueName('dup');
    await createMlflowExperiment(client, name);
    await expectNothingStored(async () => {
      expectMlflowError(await client.post('experiments/create', { name }), 400, 'RESOURCE_ALREADY_EXISTS');
    });
  });

  it('a second registered model with the same name is 400 RESOURCE_ALREADY_EXISTS and stores nothing', async () => {
    const name = await createMlflowRegisteredModel(client);
    await expectNothingStored(async () => {
      expectMlflowError(await client.post('registered-models/create', { name, description: 'again' }), 400, 'RESOURCE_ALREADY_EXISTS');
    });
    const { registered_model: model } = expectOk<{ registered_model: { description?: string } }>(await client.get('registered-models/get', { name }));
    expect(model.description ?? '').toBe('');
  });

  it('renaming an experiment or a registered model onto a taken name is 400 RESOURCE_ALREADY_EXISTS', async () => {
    const taken = uniqueName('taken');
    await createMlflowExperiment(client, taken);
    const experimentId = await createMlflowExperiment(client);
    expectMlflowError(await client.post('experiments/update', { experiment_id: experimentId, new_name: taken }), 400, 'RESOURCE_ALREADY_EXISTS');
    const first = await createMlflowRegisteredModel(client);
    const second = await createMlflowRegisteredModel(client);
    expectMlflowError(await client.post('registered-models/rename', { name: second, new_name: first }), 400, 'RESOURCE_ALREADY_EXISTS');
  });
});

describe('params are immutable', () => {
  it('log-parameter with a different value is 400 INVALID_PARAMETER_VALUE; the same value again is accepted', async () => {
    const experimentId = await createMlflowExperiment(client);
    const { run_id: runId } = await createMlflowRun(client, experimentId);
    expectOk(await client.post('runs/log-parameter', { run_id: runId, run_uuid: runId, key: 'lr', value: '0.01' }));
    await expectNothingStored(async () => {
      expectMlflowError(await client.post('runs/log-parameter', { run_id: runId, run_uuid: runId, key: 'lr', value: '0.02' }), 400, 'INVALID_PARAMETER_VALUE');
    });
    expect(expectOk(await client.post('runs/log-parameter', { run_id: runId, run_uuid: runId, key: 'lr', value: '0.01' }))).toEqual({});
    expect((await getMlflowRun(client, runId)).data.params).toEqual([{ key: 'lr', value: '0.01' }]);
  });

  it('a log-batch that changes a param is rejected as a whole: none of its metrics, params or tags are stored', async () => {
    const experimentId = await createMlflowExperiment(client);
    const { run_id: runId } = await createMlflowRun(client, experimentId);
    expectOk(await client.post('runs/log-batch', { run_id: runId, params: [{ key: 'lr', value: '0.01' }] }));
    await expectNothingStored(async () => {
      const answer = await client.post('runs/log-batch', {
        run_id: runId,
        metrics: [{ key: 'loss', value: 1, timestamp: Date.now(), step: 0 }],
        params: [{ key: 'new_param', value: 'x' }, { key: 'lr', value: '0.5' }],
        tags: [{ key: 'new_tag', value: 'y' }],
      });
      expectMlflowError(answer, 400, 'INVALID_PARAMETER_VALUE');
    });
    expect(expectOk(await client.post('runs/log-batch', { run_id: runId, params: [{ key: 'lr', value: '0.01' }, { key: 'epochs', value: '3' }] }))).toEqual({});
    expect((await getMlflowRun(client, runId)).data.params).toEqual(expect.arrayContaining([{ key: 'lr', value: '0.01' }, { key: 'epochs', value: '3' }]));
  });
});

describe('unknown endpoints', () => {
  it('unknown paths under every prefix are 404 ENDPOINT_NOT_FOUND (the client falls back from v3 to v2 on it)', async () => {
    const answers = [
      await client.get('/api/2.0/mlflow/no-such-thing'),
      await client.post('/api/3.0/mlflow/traces', { trace: { trace_info: {}, data: { spans: [] } } }),
      await client.get('/api/3.0/mlflow/traces/tr-123'),
      await client.post('/api/3.0/mlflow/traces/search', { locations: [] }),
      await client.get('/api/2.0/mlflow/experiments/list'),
      await client.post('/api/2.0/mlflow-artifacts/mpu/create/1/abc/artifacts/x', { path: 'x', num_parts: 2 }),
    ];
    for (const answer of answers) expectMlflowError(answer, 404, 'ENDPOINT_NOT_FOUND');
  });

  it('a known path with the wrong method is 404 ENDPOINT_NOT_FOUND, not an HTML page', async () => {
    expectMlflowError(await client.get('runs/create'), 404, 'ENDPOINT_NOT_FOUND');
    expectMlflowError(await client.post('experiments/get', { experiment_id: '0' }), 404, 'ENDPOINT_NOT_FOUND');
  });
});

describe('content type', () => {
  const createBody = () => JSON.stringify({ name: uniqueName('ct') });

  it('POST with a JSON body but no Content-Type is 400 INVALID_PARAMETER_VALUE and stores nothing', async () => {
    await expectNothingStored(async () => {
      const answer = await rawRequest(server.url, { method: 'POST', path: '/api/2.0/mlflow/experiments/create', headers: { authorization: `Bearer ${server.adminKey}` }, body: createBody() });
      expectRawError(answer, 400, 'INVALID_PARAMETER_VALUE');
    });
  });

  it('POST with no body and no Content-Type is rejected, not taken as an empty request (runs/create would make a run)', async () => {
    await expectNothingStored(async () => {
      const answer = await rawRequest(server.url, { method: 'POST', path: '/api/2.0/mlflow/runs/create', headers: { authorization: `Bearer ${server.adminKey}` } });
      expectRawError(answer, 400, 'INVALID_PARAMETER_VALUE');
    });
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'text/json'])(
    'POST with Content-Type %s is 400 INVALID_PARAMETER_VALUE and stores nothing',
    async (contentType) => {
      await expectNothingStored(async () => {
        const answer = await client.send('POST', 'experiments/create', { body: createBody(), headers: { 'content-type': contentType } });
        expectMlflowError(answer, 400, 'INVALID_PARAMETER_VALUE');
      });
    },
  );

  it('application/json with a charset parameter is accepted', async () => {
    const answer = await client.send('POST', 'experiments/create', { body: createBody(), headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(expectOk(answer).experiment_id).toEqual(expect.any(String));
  });
});

describe('authentication errors', () => {
  it('no key, a wrong Bearer key and a wrong Basic password are 401 UNAUTHENTICATED', async () => {
    const anonymous = mlflowHttp(server.url, { kind: 'none' });
    expectMlflowError(await anonymous.get('experiments/get', { experiment_id: '0' }), 401, 'UNAUTHENTICATED');
    expectMlflowError(await mlflowHttp(server.url, bearerAuth('keel_wrong')).get('experiments/get', { experiment_id: '0' }), 401, 'UNAUTHENTICATED');
    expectMlflowError(await mlflowHttp(server.url, basicAuth('wrong-password')).get('experiments/get', { experiment_id: '0' }), 401, 'UNAUTHENTICATED');
    // The right key as the Basic password (MLFLOW_TRACKING_PASSWORD) is accepted whatever the user name.
    expectOk(await mlflowHttp(server.url, basicAuth(server.adminKey, 'anyone')).get('experiments/get', { experiment_id: '0' }));
  });

  it('a read-only key may read but writing is 403 PERMISSION_DENIED and stores nothing', async () => {
    const created = await fetch(`${server.url}/api/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'reader', role: 'read' }),
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };
    const reader = mlflowHttp(server.url, basicAuth(secret));
    expectOk(await reader.get('experiments/get', { experiment_id: '0' }));
    await expectNothingStored(async () => {
      expectMlflowError(await reader.post('experiments/create', { name: uniqueName('denied') }), 403, 'PERMISSION_DENIED');
      expectMlflowError(await reader.post('runs/create', { experiment_id: '0' }), 403, 'PERMISSION_DENIED');
    });
  });
});

describe('validation errors', () => {
  it('a wrong type is 400 INVALID_PARAMETER_VALUE naming the field, without extra keys', async () => {
    const message = expectMlflowError(await client.post('experiments/create', { name: 42 }), 400, 'INVALID_PARAMETER_VALUE');
    expect(message).toContain('name');
  });

  it('a bad search filter is 400 INVALID_PARAMETER_VALUE whose message names the position', async () => {
    const experimentId = await createMlflowExperiment(client);
    const message = expectMlflowError(await client.post('runs/search', { experiment_ids: [experimentId], filter: 'metrics.acc >> 0.9' }), 400, 'INVALID_PARAMETER_VALUE');
    expect(message).toMatch(/position \d+/);
  });
});
