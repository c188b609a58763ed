import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildKeelBinary, callKeel, callKeelOk, createPostgresTestSchema, type KeelProcess, type KeelRequest, type PostgresTestSchema, readCredentials, startKeelProcess } from '@keel/testing';

/**
 * Scale-out: two `keel server` processes (dist/keel.mjs) with their own KEEL_HOME and port on one
 * PostgreSQL schema. Concurrent clients write through both; afterwards both servers must answer
 * every read identically, with nothing lost, duplicated or half-written.
 */

const postgresUrl = process.env.KEEL_TEST_POSTGRES_URL;
const enabled = postgresUrl !== undefined && postgresUrl !== '';
const describePostgres = enabled ? describe : describe.skip;

const mlflow = (route: string): string => `/api/2.0/mlflow/${route}`;
const post = (requestPath: string, body: unknown): KeelRequest => ({ method: 'POST', path: requestPath, body });
const get = (requestPath: string, query: KeelRequest['query']): KeelRequest => ({ method: 'GET', path: requestPath, query });
const clients = 8;

interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

const byStep = (a: Metric, b: Metric) => a.step - b.step || a.timestamp - b.timestamp || a.value - b.value;
const byRunId = (a: { info: { run_id: string } }, b: { info: { run_id: string } }) => a.info.run_id.localeCompare(b.info.run_id);
const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);

describePostgres(enabled ? 'scale-out: two keel server processes on one PostgreSQL schema' : 'scale-out on PostgreSQL (skipped: KEEL_TEST_POSTGRES_URL is not set)', () => {
  let schema: PostgresTestSchema | undefined;
  const homes: string[] = [];
  const servers: KeelProcess[] = [];
  let key = '';
  /** The server a client uses for its n-th request: clients alternate between the two. */
  const via = (client: number, request: number): string => (servers[(client + request) % 2] ?? servers[0])!.url;
  const ok = <T = Record<string, unknown>>(url: string, request: KeelRequest) => callKeelOk<T>(url, request, key);

  beforeAll(async () => {
    await buildKeelBinary();
    schema = await createPostgresTestSchema(postgresUrl ?? '');
    for (let index = 0; index < 2; index += 1) {
      const home = await mkdtemp(path.join(os.tmpdir(), `keel-scale-out-${index}-`));
      homes.push(home);
      // One after the other: the first start bootstraps the database, the second finds it ready.
      servers.push(await startKeelProcess({ home, env: { KEEL_DATABASE_URL: schema.url } }));
    }
    key = (await readCredentials(homes[0]!)).api_key;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop(5_000)));
    await schema?.drop();
    await Promise.all(homes.map((home) => rm(home, { recursive: true, force: true })));
  });

  test('only the first server bootstraps; its key works on both', async () => {
    await expect(access(path.join(homes[1]!, 'credentials.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    for (const server of servers) {
      const projects = await ok<{ items: { name: string }[] }>(server.url, { method: 'GET', path: '/api/v1/projects' });
      expect(projects.items.map((project) => project.name)).toEqual(['default']);
    }
    const keys = await ok<{ items: unknown[] }>(servers[1]!.url, get('/api/v1/keys', { all: 'true' }));
    expect(keys.items).toHaveLength(1);
  });

  test('concurrent clients writing through both servers: both read back the same, complete data', { timeout: 120_000 }, async () => {
    const expectedRuns = new Map<string, { experimentId: string; params: { key: string; value: string }[]; metrics: Metric[] }>();
    const experimentNames: string[] = [];

    // Eight clients at once, alternating servers request by request: experiments, runs, batches.
    await Promise.all(Array.from({ length: clients }, async (_unused, client) => {
      let request = 0;
      const name = `scale-out-${client}`;
      experimentNames.push(name);
      const { experiment_id: experimentId } = await ok<{ experiment_id: string }>(via(client, request++), post(mlflow('experiments/create'), { name, tags: [{ key: 'client', value: String(client) }] }));
      for (let runIndex = 0; runIndex < 3; runIndex += 1) {
        const { run } = await ok<{ run: { info: { run_id: string } } }>(via(client, request++), post(mlflow('runs/create'), { experiment_id: experimentId, run_name: `c${client}-r${runIndex}`, start_time: 1_000 + runIndex }));
        const expected = { experimentId, params: [] as { key: string; value: string }[], metrics: [] as Metric[] };
        expectedRuns.set(run.info.run_id, expected);
        for (let batch = 0; batch < 3; batch += 1) {
          const metrics = Array.from({ length: 60 }, (_none, index) => ({
            key: index % 2 === 0 ? 'loss' : 'accuracy',
            value: client * 1000 + runIndex * 100 + batch * 10 + index / 64,
            timestamp: 1_700_000_000_000 + batch * 100 + index,
            step: batch * 60 + index,
          }));
          const params = [{ key: `param_${batch}`, value: `client ${client} run ${runIndex} batch ${batch}` }];
          await ok(via(client, request++), post(mlflow('runs/log-batch'), { run_id: run.info.run_id, metrics, params, tags: [{ key: `tag_${batch}`, value: String(batch) }] }));
          expected.metrics.push(...metrics);
          expected.params.push(...params);
        }
      }
    }));

    // One run that every client writes to at once: metrics of its own steps (keys in varying order),
    // the same param with the same value, then one param with a value of its own.
    const { experiment_id: sharedExperiment } = await ok<{ experiment_id: string }>(via(0, 0), post(mlflow('experiments/create'), { name: 'shared' }));
    experimentNames.push('shared');
    const { run: sharedRun } = await ok<{ run: { info: { run_id: string } } }>(via(0, 1), post(mlflow('runs/create'), { experiment_id: sharedExperiment, run_name: 'shared' }));
    const shared = { experimentId: sharedExperiment, params: [] as { key: string; value: string }[], metrics: [] as Metric[] };
    expectedRuns.set(sharedRun.info.run_id, shared);
    await Promise.all(Array.from({ length: clients }, async (_unused, client) => {
      const keys = client % 2 === 0 ? ['shared_a', 'shared_b', 'shared_c'] : ['shared_c', 'shared_b', 'shared_a'];
      const metrics = Array.from({ length: 90 }, (_none, index) => ({ key: keys[index % 3] ?? 'shared_a', value: client + index / 100, timestamp: 5_000 + index, step: client * 1_000 + index }));
      await ok(via(client, 0), post(mlflow('runs/log-batch'), { run_id: sharedRun.info.run_id, metrics }));
      shared.metrics.push(...metrics);
    }));
    const same = await Promise.all(Array.from({ length: clients }, (_unused, client) => callKeel(via(client, 0), post(mlflow('runs/log-parameter'), { run_id: sharedRun.info.run_id, key: 'same', value: 'identical' }), key)));
    expect(same.map((answer) => answer.status)).toEqual(Array.from({ length: clients }, () => 200));
    shared.params.push({ key: 'same', value: 'identical' });
    const contested = await Promise.all(Array.from({ length: clients }, (_unused, client) => callKeel(via(client, 0), post(mlflow('runs/log-parameter'), { run_id: sharedRun.info.run_id, key: 'contested', value: `client ${client}` }), key)));
    const winners = contested.flatMap((answer, client) => (answer.status === 200 ? [client] : []));
    expect(winners, contested.map((answer) => `${answer.status} ${answer.text}`).join('\n')).toHaveLength(1);
    for (const answer of contested.filter((item) => item.status !== 200)) {
      expect({ status: answer.status, error_code: (answer.json as { error_code?: string }).error_code }).toEqual({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
    }
    shared.params.push({ key: 'contested', value: `client ${winners[0] ?? -1}` });

    // The same experiment name created through both servers at once: exactly one wins.
    const racing = await Promise.all(Array.from({ length: clients }, (_unused, client) => callKeel(via(client, 0), post(mlflow('experiments/create'), { name: 'raced' }), key)));
    expect(racing.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const answer of racing.filter((item) => item.status !== 200)) {
      expect({ status: answer.status, error_code: (answer.json as { error_code?: string }).error_code }).toEqual({ status: 400, error_code: 'RESOURCE_ALREADY_EXISTS' });
    }
    experimentNames.push('raced');

    // Reads: both servers give the same answers, and those hold exactly what was written.
    const answers = await Promise.all(servers.map(async (server) => {
      const { experiments } = await ok<{ experiments: { experiment_id: string; name: string }[] }>(server.url, post(mlflow('experiments/search'), { view_type: 'ALL', max_results: 1000 }));
      const { runs } = await ok<{ runs: { info: { run_id: string } }[] }>(server.url, post(mlflow('runs/search'), { experiment_ids: experiments.map((experiment) => experiment.experiment_id), run_view_type: 'ALL', max_results: 1000 }));
      const histories: Record<string, Metric[]> = {};
      for (const [runId, expected] of expectedRuns) {
        for (const metricKey of new Set(expected.metrics.map((metric) => metric.key))) {
          const history = await ok<{ metrics: Metric[] }>(server.url, get(mlflow('metrics/get-history'), { run_id: runId, metric_key: metricKey }));
          histories[`${runId}/${metricKey}`] = history.metrics.sort(byStep);
        }
      }
      return { experiments, runs: runs.sort(byRunId), histories };
    }));
    const [first, second] = answers;
    expect(second).toEqual(first);
    if (first === undefined) throw new Error('no answers');

    const ids = first.experiments.map((experiment) => experiment.experiment_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(first.experiments.map((experiment) => experiment.name).sort()).toEqual(['Default', ...experimentNames].sort());
    expect(first.runs.map((run) => run.info.run_id).sort()).toEqual([...expectedRuns.keys()].sort());
    for (const run of first.runs as unknown as { info: { run_id: string; experiment_id: string }; data: { params?: { key: string; value: string }[] } }[]) {
      const expected = expectedRuns.get(run.info.run_id);
      expect(run.info.experiment_id).toBe(expected?.experimentId);
      expect([...(run.data.params ?? [])].sort(byKey), `params of ${run.info.run_id}`).toEqual([...(expected?.params ?? [])].sort(byKey));
    }
    for (const [runId, expected] of expectedRuns) {
      for (const metricKey of new Set(expected.metrics.map((metric) => metric.key))) {
        expect(first.histories[`${runId}/${metricKey}`], `history of ${metricKey} in ${runId}`).toEqual(expected.metrics.filter((metric) => metric.key === metricKey).sort(byStep));
      }
    }
  });

  test('model versions registered at once through both servers are numbered 1..N without gaps or duplicates', { timeout: 60_000 }, async () => {
    const name = 'scale-out-model';
    await ok(via(0, 0), post(mlflow('registered-models/create'), { name }));
    const perClient = 5;
    const created = await Promise.all(Array.from({ length: clients * perClient }, async (_unused, index) => {
      const { model_version: version } = await ok<{ model_version: { version: string } }>(via(index, 0), post(mlflow('model-versions/create'), { name, source: `s3://bucket/model-${index}`, description: `from request ${index}` }));
      return { version: Number(version.version), source: `s3://bucket/model-${index}` };
    }));
    const total = clients * perClient;
    expect(created.map((item) => item.version).sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_unused, index) => index + 1));

    const listings = await Promise.all(servers.map((server) => ok<{ model_versions: { version: string; source: string }[] }>(server.url, get(mlflow('model-versions/search'), { filter: `name = '${name}'`, max_results: '1000' }))));
    expect(listings[1]).toEqual(listings[0]);
    const listed = (listings[0]?.model_versions ?? []).map((version) => ({ version: Number(version.version), source: version.source })).sort((a, b) => a.version - b.version);
    expect(listed).toEqual([...created].sort((a, b) => a.version - b.version));
    for (const server of servers) {
      const { registered_model: model } = await ok<{ registered_model: { latest_versions: { version: string }[] } }>(server.url, get(mlflow('registered-models/get'), { name }));
      expect(model.latest_versions.map((version) => version.version)).toEqual([String(total)]);
    }
  });

  test('prompt versions created at once through both servers, the first one included, are numbered 1..N', { timeout: 60_000 }, async () => {
    const total = 16;
    const created = await Promise.all(Array.from({ length: total }, (_unused, index) =>
      ok<{ version: number }>(via(index, 0), post('/api/v1/prompts', { name: 'raced-prompt', type: 'text', template: `attempt ${index} for {{who}}`, variables: ['who'], labels: index % 3 === 0 ? ['production'] : [] })),
    ));
    expect(created.map((version) => version.version).sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_unused, index) => index + 1));
    for (const server of servers) {
      const versions = await ok<{ items: { version: number }[] }>(server.url, get('/api/v1/prompts/raced-prompt/versions', { maxResults: '100' }));
      expect(versions.items.map((version) => version.version)).toEqual(Array.from({ length: total }, (_unused, index) => total - index));
      const history = await ok<{ items: unknown[] }>(server.url, get('/api/v1/prompts/raced-prompt/history', {}));
      expect(history.items).toHaveLength(Math.ceil(total / 3));
    }
  });
  test('spans of the same traces exported at once through both servers, retries included: summaries count each span once', { timeout: 60_000 }, async () => {
    const traces = 6;
    const spansPerTrace = 16;
    const now = BigInt(Date.now()) * 1_000_000n;
    const traceId = (trace: number) => `5ca1e0${String(trace).padStart(26, '0')}`;
    const spanId = (trace: number, index: number) => `${String(trace + 1).padStart(4, '0')}${String(index).padStart(12, '0')}`;
    // Request r carries span r of every trace; every request is sent twice, through each server.
    const requestBody = (index: number) => JSON.stringify({
      resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'scale-out' }, spans: Array.from({ length: traces }, (_unused, trace) => ({
        traceId: traceId(trace), spanId: spanId(trace, index), parentSpanId: index === 0 ? '' : spanId(trace, 0), name: index === 0 ? 'root' : `step ${index}`, kind: 1,
        startTimeUnixNano: String(now + BigInt(index) * 1_000_000n), endTimeUnixNano: String(now + BigInt(index + 1) * 1_000_000n), status: {},
        attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }, { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } }, { key: 'gen_ai.usage.input_tokens', value: { intValue: 10 } }],
      })) }] }],
    });
    const exports = Array.from({ length: spansPerTrace * 2 }, (_unused, index) => {
      const request: KeelRequest = { method: 'POST', path: '/v1/traces', rawBody: requestBody(index % spansPerTrace), headers: { 'content-type': 'application/json' } };
      return ok(via(index, index >= spansPerTrace ? 1 : 0), request);
    });
    await Promise.all(exports);
    const window = { from: String(Date.now() - 3_600_000), to: String(Date.now() + 3_600_000) };
    for (const server of servers) {
      for (let trace = 0; trace < traces; trace += 1) {
        const detail = await ok<{ trace: { spanCount: number; inputTokens: number; name: string }; spans: { children: unknown[] }[] }>(server.url, { method: 'GET', path: `/api/v1/traces/${traceId(trace)}` });
        expect(detail.trace).toMatchObject({ spanCount: spansPerTrace, inputTokens: 10 * spansPerTrace, name: 'root' });
        expect(detail.spans).toHaveLength(1);
        expect(detail.spans[0]?.children).toHaveLength(spansPerTrace - 1);
      }
      const listed = await ok<{ items: { traceId: string; spanCount: number; inputTokens: number }[] }>(server.url, get('/api/v1/traces', { ...window, model: 'gpt-4o', limit: '100' }));
      const ours = listed.items.filter((item) => item.traceId.startsWith('5ca1e0'));
      expect(ours).toHaveLength(traces);
      for (const item of ours) expect(item).toMatchObject({ spanCount: spansPerTrace, inputTokens: 10 * spansPerTrace });
    }
  });
});
