import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { basic, callKeel, callKeelOk, type FakeOpenAiServer, type KeelHomeProbe, startFakeOpenAiServer, type KeelHomeSnapshot, type KeelRequest, type KeelResponse, listServedRoutes, openKeelHomeProbe, startTestServer, type TestServer } from '@keel/testing';
import { type Fixture, type Role, gatewayDocument, gatewayUpstream, get, mlflow, otlpTraceRequest, post, proxy, put, remove, routeTable, runPath, traceSettings, upload } from './route-access-cases.ts';

/**
 * Authentication, roles and project isolation, checked on every route the server registers. The
 * table below says how to call each route on resources of project A; the walk then sends that
 * request (a) without a key, (b) with a key one role too low, and (c) with a key of project B.
 * A route added without a row here fails the walk, so it cannot ship without these checks.
 */

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
  const promptName = `prompt-${marker}`;
  await call(post('/api/v1/prompts', { name: promptName, type: 'text', template: 'Hello {{name}}', variables: ['name'], labels: ['production'] }));
  await call(post('/api/v1/prompts', { name: promptName, type: 'text', template: 'Hi {{name}}', variables: ['name'] }));
  const traceId = randomBytes(16).toString('hex');
  await call(otlpTraceRequest('/v1/traces', traceId, marker));
  await call(put('/api/v1/trace-settings', traceSettings(marker)));
  await call(put('/api/v1/gateway/config', gatewayDocument(marker)));
  await call(post('/api/v1/gateway/keys', { name: `vk-${marker}` }));
  return { marker, projectName: project.name, experimentId, experimentName, runId, loggedModelId: logged.model.info.model_id, modelName, promptName, keyId: revocable.key.id, traceId,
    signInToken: server.server.services.signInLinks.issue(), webAsset: server.server.services.webUi.assetNames()[0] ?? 'the-web-ui-is-not-built' };
}

/** OpenAI's error types, on the gateway's OpenAI routes, as Keel's codes. */
const openAiErrorTypes: Record<string, string> = { authentication_error: 'UNAUTHENTICATED', permission_error: 'PERMISSION_DENIED', not_found_error: 'RESOURCE_DOES_NOT_EXIST' };
const errorOf = (response: KeelResponse) => {
  const body = response.json as { error_code?: unknown; error?: { type?: unknown } } | undefined;
  const openAiType = typeof body?.error?.type === 'string' ? body.error.type : undefined;
  return { status: response.status, error_code: openAiType === undefined ? body?.error_code : (openAiErrorTypes[openAiType] ?? openAiType) };
};
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

let upstream: FakeOpenAiServer | undefined;

beforeAll(async () => {
  upstream = await startFakeOpenAiServer();
  gatewayUpstream.baseURL = upstream.baseURL;
  server = await startTestServer();
  probe = openKeelHomeProbe(server.home);
  const suffix = randomBytes(3).toString('hex');
  projectA = await createProject(`ra-${suffix}`);
  projectB = await createProject(`rb-${suffix}`);
  // Experiment ids count up per project. Project B makes only a few experiments in this file; these
  // keep every experiment id of A's fixtures above them, so that an id of A never happens to name
  // one of B's own experiments.
  for (let index = 0; index < 10; index += 1) await callKeelOk(server.url, post(mlflow('experiments/create'), { name: `padding-${index}` }), projectA.keys.admin);
});

afterAll(async () => {
  probe?.close();
  await server?.close();
  await upstream?.close();
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
    // Gateway calls record usage and spans after answering; let those land before the next snapshot.
    const settleGatewayWrites = async (): Promise<void> => {
      await server.server.services.gateway.flush();
      await server.server.services.gatewayUsage.flush();
      await server.server.services.traceIngest.drain();
    };
    for (const spec of server.server.routes) {
      await settleGatewayWrites();
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
          await settleGatewayWrites();
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
