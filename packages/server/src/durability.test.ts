import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  buildKeelBinary, callKeel, callKeelOk, type KeelProcess, type KeelRequest, parsePrometheusText, pollUntil, prometheusValue, readCredentials, startKeelProcess,
} from '@keel/testing';

/**
 * The bundled `keel server` (dist/keel.mjs) as a child process on an embedded SQLite home: what it
 * acknowledged survives SIGKILL, SIGTERM drains in-flight requests and exits 0, first-start
 * credentials, /health and /metrics.
 */

const homes: string[] = [];
const running = new Set<KeelProcess>();

async function newHome(): Promise<string> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'keel-durability-'));
  homes.push(home);
  return home;
}

async function start(home: string): Promise<KeelProcess> {
  const keel = await startKeelProcess({ home });
  running.add(keel);
  void keel.exited.then(() => running.delete(keel));
  return keel;
}

afterEach(async () => {
  await Promise.all([...running].map((keel) => keel.stop(2_000)));
  await Promise.all(homes.splice(0).map((home) => rm(home, { recursive: true, force: true })));
});

beforeAll(async () => {
  await buildKeelBinary();
}, 180_000);

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const post = (requestPath: string, body: unknown): KeelRequest => ({ method: 'POST', path: requestPath, body });
const mlflow = (route: string): string => `/api/2.0/mlflow/${route}`;

/** 'refused' when nothing listens on the port any more, 'accepted' while the server still takes connections. */
function tryConnect(port: number): Promise<'accepted' | 'refused'> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? resolve('refused') : reject(error)));
  });
}

interface MlflowMetric {
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
}

const metricOrder = (a: MlflowMetric, b: MlflowMetric) => a.step - b.step || a.timestamp - b.timestamp || String(a.value).localeCompare(String(b.value));
const wireValue = (value: number): number | string => (Number.isNaN(value) ? 'NaN' : value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : value);

describe('keel server process (SQLite home)', () => {
  test('every write acknowledged with 200 survives a SIGKILL right after the answer', { timeout: 120_000 }, async () => {
    const home = await newHome();
    let keel = await start(home);
    const { api_key: key } = await readCredentials(home);

    /** Sends a write, and kills the server the moment the answer is in: nothing gets a chance to flush later. */
    const writeThenKill = async (request: KeelRequest): Promise<Record<string, unknown>> => {
      const answer = await callKeel(keel.url, request, key);
      const exit = await keel.kill('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
      expect(answer.status, answer.text).toBeGreaterThanOrEqual(200);
      expect(answer.status, answer.text).toBeLessThan(300);
      keel = await start(home);
      return answer.json as Record<string, unknown>;
    };

    const expected: {
      experimentId?: string;
      runId?: string;
      params: { key: string; value: string }[];
      tags: { key: string; value: string }[];
      metrics: MlflowMetric[];
      files: Map<string, Buffer>;
    } = { params: [], tags: [], metrics: [], files: new Map() };

    /** Reads back, through the restarted server, everything acknowledged so far. */
    const readBack = async (): Promise<void> => {
      if (expected.experimentId === undefined) return;
      const { experiment } = await callKeelOk<{ experiment: { name: string; tags: unknown[] } }>(keel.url, { method: 'GET', path: mlflow('experiments/get'), query: { experiment_id: expected.experimentId } }, key);
      expect(experiment).toMatchObject({ name: 'durable', tags: [{ key: 'purpose', value: 'sigkill' }] });
      if (expected.runId === undefined) return;
      const { run } = await callKeelOk<{ run: { data: { params?: unknown[]; tags?: { key: string }[] } } }>(keel.url, { method: 'GET', path: mlflow('runs/get'), query: { run_id: expected.runId } }, key);
      const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
      expect([...(run.data.params ?? [])].sort((a, b) => byKey(a as { key: string }, b as { key: string }))).toEqual([...expected.params].sort(byKey));
      const tags = (run.data.tags ?? []).filter((tag) => !tag.key.startsWith('mlflow.'));
      expect(tags.sort(byKey)).toEqual([...expected.tags].sort(byKey));
      for (const metricKey of new Set(expected.metrics.map((metric) => metric.key))) {
        const history = await callKeelOk<{ metrics?: MlflowMetric[] }>(keel.url, { method: 'GET', path: mlflow('metrics/get-history'), query: { run_id: expected.runId, metric_key: metricKey } }, key);
        expect((history.metrics ?? []).sort(metricOrder), `history of ${metricKey}`).toEqual(expected.metrics.filter((metric) => metric.key === metricKey).sort(metricOrder));
      }
      for (const [artifactPath, bytes] of expected.files) {
        const response = await fetch(`${keel.url}/api/v1/runs/${expected.runId}/artifacts/${artifactPath}`, { headers: { authorization: `Bearer ${key}` } });
        const body = Buffer.from(await response.arrayBuffer());
        expect(response.status, artifactPath).toBe(200);
        expect({ size: body.length, sha256: sha256(body) }, artifactPath).toEqual({ size: bytes.length, sha256: sha256(bytes) });
      }
    };

    const created = await writeThenKill(post(mlflow('experiments/create'), { name: 'durable', tags: [{ key: 'purpose', value: 'sigkill' }] }));
    expected.experimentId = String(created.experiment_id);
    await readBack();

    const run = await writeThenKill(post(mlflow('runs/create'), { experiment_id: expected.experimentId, run_name: 'killed-often', start_time: 1_700_000_000_000 }));
    expected.runId = String((run.run as { info: { run_id: string } }).info.run_id);
    await readBack();

    // A full batch: params, tags and 900 metric values, special doubles included.
    const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0.5, 1e-300, 1.7976931348623157e308, 123456.789];
    const batchMetrics = Array.from({ length: 900 }, (_unused, index) => {
      const metricKey = ['loss', 'accuracy', 'lr'][index % 3] ?? 'loss';
      const step = Math.floor(index / 3);
      const value = index % 50 === 0 ? (specials[(index / 50) % specials.length] ?? 0) : Math.sin(index) * 10;
      return { key: metricKey, value, timestamp: 1_700_000_000_000 + index, step };
    });
    const params = Array.from({ length: 30 }, (_unused, index) => ({ key: `param_${index}`, value: `value ${index} ${'x'.repeat(index * 10)}` }));
    const tags = [{ key: 'team', value: 'durability' }, { key: 'note', value: 'ünïcödé ✓' }];
    await writeThenKill(post(mlflow('runs/log-batch'), { run_id: expected.runId, metrics: batchMetrics.map((metric) => ({ ...metric, value: wireValue(metric.value) })), params, tags }));
    expected.params.push(...params);
    expected.tags.push(...tags);
    expected.metrics.push(...batchMetrics.map((metric) => ({ ...metric, value: wireValue(metric.value) })));
    await readBack();

    // A second batch on top: more steps of the same keys.
    const more = Array.from({ length: 300 }, (_unused, index) => ({ key: 'loss', value: index / 7, timestamp: 1_800_000_000_000 + index, step: 300 + index }));
    await writeThenKill(post(mlflow('runs/log-batch'), { run_id: expected.runId, metrics: more, params: [{ key: 'late_param', value: 'late' }] }));
    expected.metrics.push(...more);
    expected.params.push({ key: 'late_param', value: 'late' });
    await readBack();

    // Artifacts through both upload routes: the native one and MLflow's artifact proxy.
    const model = randomBytes(300 * 1024);
    await writeThenKill({ method: 'PUT', path: `/api/v1/runs/${expected.runId}/artifacts/model/weights.bin`, rawBody: model });
    expected.files.set('model/weights.bin', model);
    await readBack();

    const report = randomBytes(1024 * 1024 + 17);
    await writeThenKill({ method: 'PUT', path: `/api/2.0/mlflow-artifacts/artifacts/${expected.experimentId}/${expected.runId}/artifacts/reports/report.bin`, rawBody: report });
    expected.files.set('reports/report.bin', report);
    await readBack();

    const listing = await callKeelOk<{ files: { path: string; is_dir: boolean; file_size?: number }[] }>(keel.url, { method: 'GET', path: mlflow('artifacts/list'), query: { run_id: expected.runId, path: 'model' } }, key);
    expect(listing.files).toEqual([{ path: 'model/weights.bin', is_dir: false, file_size: model.length }]);
  });

  test('SIGTERM lets an in-flight upload finish with 200, refuses new connections, and exits 0', { timeout: 60_000 }, async () => {
    const home = await newHome();
    const keel = await start(home);
    const { api_key: key } = await readCredentials(home);
    const created = await callKeelOk<{ info: { runId: string } }>(keel.url, post('/api/v1/runs', { experimentId: '0', runName: 'draining' }), key);
    const runId = created.info.runId;
    const chunks = Array.from({ length: 12 }, () => randomBytes(64 * 1024));

    // A keep-alive client, as MLflow's and Keel's SDKs are. `Expect: 100-continue` makes the server
    // say when it has taken the request in, so SIGTERM is sent while the request is certainly in flight.
    const agent = new http.Agent({ keepAlive: true });
    let upload!: http.ClientRequest;
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      upload = http.request(`${keel.url}/api/v1/runs/${runId}/artifacts/slow.bin`, {
        method: 'PUT',
        agent,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked', expect: '100-continue' },
      }, (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
        response.on('error', reject);
      });
      upload.on('error', reject);
    });
    await new Promise<void>((resolve) => upload.once('continue', resolve));
    upload.write(chunks[0]);

    keel.child.kill('SIGTERM');
    await keel.waitForOutput(/SIGTERM received/);
    // While the upload is still open, a new connection is refused.
    await pollUntil('new connections to be refused', async () => ((await tryConnect(keel.port)) === 'refused' ? true : undefined), { timeoutMs: 5_000 });
    expect(await Promise.race([answered.then(() => 'answered'), delay(0, 'in flight')])).toBe('in flight');

    // The rest of the body, slowly (about 1.1 s).
    for (const chunk of chunks.slice(1)) {
      await delay(100);
      upload.write(chunk);
    }
    upload.end();
    const answer = await answered;
    expect(answer.status, answer.body).toBe(200);
    const whole = Buffer.concat(chunks);
    expect(JSON.parse(answer.body)).toEqual({ path: 'slow.bin', size: whole.length });

    // Exits at once: a keep-alive client must not hold the shutdown until its idle connection times out.
    expect(await Promise.race([keel.exited, delay(10_000, 'still running 10 s after its last answer')])).toEqual({ code: 0, signal: null });
    expect(await tryConnect(keel.port)).toBe('refused');
    agent.destroy();

    const restarted = await start(home);
    const response = await fetch(`${restarted.url}/api/v1/runs/${runId}/artifacts/slow.bin`, { headers: { authorization: `Bearer ${key}` } });
    const body = Buffer.from(await response.arrayBuffer());
    expect(response.status).toBe(200);
    expect({ size: body.length, sha256: sha256(body) }).toEqual({ size: whole.length, sha256: sha256(whole) });
  });

  test('the first start writes credentials.json (0600, exactly project and api_key); later starts leave it alone', { timeout: 60_000 }, async () => {
    const home = await newHome();
    const credentialsPath = path.join(home, 'credentials.json');
    const first = await start(home);
    const info = await stat(credentialsPath);
    expect((info.mode & 0o777).toString(8)).toBe('600');
    const text = await readFile(credentialsPath, 'utf8');
    const credentials = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(credentials).sort()).toEqual(['api_key', 'project']);
    expect(credentials.project).toBe('default');
    expect(credentials.api_key).toMatch(/^keel_\S{20,}$/);
    const key = String(credentials.api_key);
    const projects = await callKeelOk<{ items: { name: string }[] }>(first.url, { method: 'GET', path: '/api/v1/projects' }, key);
    expect(projects.items.map((project) => project.name)).toEqual(['default']);
    const experiments = await callKeelOk<{ experiments: { experiment_id: string; name: string }[] }>(first.url, post(mlflow('experiments/search'), {}), key);
    expect(experiments.experiments.map((experiment) => [experiment.experiment_id, experiment.name])).toEqual([['0', 'Default']]);
    expect((await first.stop()).code).toBe(0);

    const second = await start(home);
    const after = await stat(credentialsPath);
    expect({ text: await readFile(credentialsPath, 'utf8'), mtimeMs: after.mtimeMs, ino: after.ino, mode: after.mode }).toEqual({ text, mtimeMs: info.mtimeMs, ino: info.ino, mode: info.mode });
    expect(second.output()).not.toContain('created project default');
    expect((await callKeel(second.url, { method: 'GET', path: '/api/v1/projects' }, key)).status).toBe(200);
    const keys = await callKeelOk<{ items: unknown[] }>(second.url, { method: 'GET', path: '/api/v1/keys', query: { all: 'true' } }, key);
    expect(keys.items).toHaveLength(1);
  });

  test('a new instance in a home with a stale, world-readable credentials.json still leaves its key at 0600', { timeout: 60_000 }, async () => {
    // E.g. keel.db was removed to start over, or KEEL_DATABASE_URL now names an empty database.
    const home = await newHome();
    const credentialsPath = path.join(home, 'credentials.json');
    await writeFile(credentialsPath, '{"project":"default","api_key":"keel_stale"}\n');
    await chmod(credentialsPath, 0o644);
    const keel = await start(home);
    expect(((await stat(credentialsPath)).mode & 0o777).toString(8)).toBe('600');
    const { api_key: key } = await readCredentials(home);
    expect(key).not.toBe('keel_stale');
    expect((await callKeel(keel.url, { method: 'GET', path: '/api/v1/projects' }, key)).status).toBe(200);
  });

  test('/health answers without a key; /metrics counts requests, latencies and ingested metrics', { timeout: 60_000 }, async () => {
    const home = await newHome();
    const keel = await start(home);
    const { api_key: key } = await readCredentials(home);
    const health = await fetch(`${keel.url}/health`);
    expect({ status: health.status, body: await health.text() }).toEqual({ status: 200, body: 'OK' });
    expect((await callKeel(keel.url, { method: 'GET', path: '/metrics' })).status).toBe(401);

    const { experiment_id: experimentId } = await callKeelOk<{ experiment_id: string }>(keel.url, post(mlflow('experiments/create'), { name: 'observed' }), key);
    const { run } = await callKeelOk<{ run: { info: { run_id: string } } }>(keel.url, post(mlflow('runs/create'), { experiment_id: experimentId }), key);
    const runId = run.info.run_id;
    const batch = (offset: number, count: number) => Array.from({ length: count }, (_unused, index) => ({ key: 'loss', value: index, timestamp: 1, step: offset + index }));
    await callKeelOk(keel.url, post(mlflow('runs/log-batch'), { run_id: runId, metrics: batch(0, 37), params: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'c', value: '3' }] }), key);
    await callKeelOk(keel.url, post(mlflow('runs/log-batch'), { run_id: runId, metrics: batch(100, 13) }), key);
    for (const step of [500, 501]) await callKeelOk(keel.url, post(mlflow('runs/log-metric'), { run_id: runId, key: 'acc', value: 0.5, timestamp: 2, step }), key);
    await callKeelOk(keel.url, post(`/api/v1/runs/${runId}/log`, { metrics: batch(1000, 5) }), key);
    // A refused write counts as a request, not as ingested data.
    expect((await callKeel(keel.url, post(mlflow('runs/log-batch'), { run_id: 'no-such-run', metrics: batch(0, 9) }), key)).status).toBe(404);

    const exposition = await callKeel(keel.url, { method: 'GET', path: '/metrics' }, key);
    expect(exposition.status).toBe(200);
    expect(exposition.headers.get('content-type')).toMatch(/^text\/plain/);
    const samples = parsePrometheusText(exposition.text);
    const calls: [string, string, string, number][] = [
      ['POST', '/api/2.0/mlflow/experiments/create', '200', 1],
      ['POST', '/api/2.0/mlflow/runs/create', '200', 1],
      ['POST', '/api/2.0/mlflow/runs/log-batch', '200', 2],
      ['POST', '/api/2.0/mlflow/runs/log-batch', '404', 1],
      ['POST', '/api/2.0/mlflow/runs/log-metric', '200', 2],
      ['POST', '/api/v1/runs/:runId/log', '200', 1],
      ['GET', '/metrics', '401', 1],
    ];
    for (const [method, route, status, count] of calls) {
      expect(prometheusValue(samples, 'keel_http_requests_total', { method, route, status }), `${method} ${route} ${status}`).toBe(count);
    }
    const latencies: [string, string, number][] = [['POST', '/api/2.0/mlflow/runs/log-batch', 3], ['POST', '/api/2.0/mlflow/runs/log-metric', 2], ['POST', '/api/v1/runs/:runId/log', 1], ['GET', '/health', 2]];
    for (const [method, route, count] of latencies) {
      const observed = prometheusValue(samples, 'keel_http_request_duration_seconds_count', { method, route });
      if (route === '/health') expect(observed).toBeGreaterThanOrEqual(count);
      else expect(observed, `${method} ${route}`).toBe(count);
      expect(prometheusValue(samples, 'keel_http_request_duration_seconds_bucket', { method, route, le: '+Inf' })).toBe(observed);
      expect(prometheusValue(samples, 'keel_http_request_duration_seconds_sum', { method, route })).toBeGreaterThan(0);
    }
    expect(prometheusValue(samples, 'keel_http_requests_total', { method: 'GET', route: '/health', status: '200' })).toBeGreaterThanOrEqual(2);
    expect(prometheusValue(samples, 'keel_ingested_total', { kind: 'metrics' })).toBe(37 + 13 + 2 + 5);
    expect(prometheusValue(samples, 'keel_ingested_total', { kind: 'params' })).toBe(3);
  });
});
