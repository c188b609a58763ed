import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bearerAuth, createMlflowExperiment, createMlflowLoggedModel, createMlflowRegisteredModel, createMlflowRun, expectOk, listTree, mlflowHttp, openDatabaseProbe, startTestServer, uniqueName,
} from '@keel/testing';
import type { AnyRouteSpec } from '../http/route-spec.ts';

/**
 * Property-based fuzzing of every route the server registers (taken from `server.routes`, so a new
 * route is fuzzed without touching this file), with a valid instance-administrator key. Bodies and
 * query strings come from the route's own zod schema (mostly right, sometimes wrong at any depth)
 * or are random JSON, random bytes sent as JSON, huge strings and deep nesting. For every answer:
 * never a 5xx; a 4xx is a JSON error with error_code and message (exactly those two on MLflow
 * routes); and after a non-2xx answer no row of any table and no file has changed.
 */

const server = await startTestServer();
const probe = openDatabaseProbe(server.home);
const admin = mlflowHttp(server.url, bearerAuth(server.adminKey));

// Real ids, so that generated requests reach past "not found" into the handlers and the store.
// Fuzzed requests may delete or rename them; `refreshFixtures` puts them back before each route.
const experimentId = await createMlflowExperiment(admin);
const registeredModel = uniqueName('fuzz-model');
const runId = (await createMlflowRun(admin, experimentId)).run_id;
const artifactRoot = `${experimentId}/${runId}/artifacts`;
let modelId = '';

async function refreshFixtures(): Promise<void> {
  await admin.post('experiments/restore', { experiment_id: experimentId });
  await admin.post('runs/restore', { run_id: runId });
  if ((await admin.get(`logged-models/${modelId}`)).status !== 200) modelId = (await createMlflowLoggedModel(admin, experimentId, runId)).info.model_id;
  if ((await admin.get('model-versions/get', { name: registeredModel, version: '1' })).status !== 200) {
    // Versions are numbered from 1 again only in a new registered model.
    await admin.delete('registered-models/delete', { name: registeredModel });
    await createMlflowRegisteredModel(admin, registeredModel);
    expectOk(await admin.post('model-versions/create', { name: registeredModel, source: `models:/${modelId}`, run_id: runId, model_id: modelId }));
  }
  expectOk(await admin.post('registered-models/alias', { name: registeredModel, alias: 'champion', version: '1' }));
  expectOk(await admin.put(`/api/2.0/mlflow-artifacts/artifacts/${artifactRoot}/seed.txt`, 'seed', 'text/plain'));
}
await refreshFixtures();
// A prompt under the same name, with two versions: versions are never deleted, so it outlives every fuzzed request.
for (const template of ['Hello {{name}}', 'Hi {{name}}']) {
  expect((await admin.post('/api/v1/prompts', { name: registeredModel, type: 'text', template, variables: ['name'], labels: ['production'] })).status).toBe(201);
}

/** One of the values `pick` gives at generation time (the fixtures change between routes). */
const current = (pick: () => readonly string[]): fc.Arbitrary<string> => fc.nat({ max: 100 }).map((index) => {
  const values = pick();
  return values[index % values.length] ?? '';
});

afterAll(async () => {
  probe.close();
  await server.close();
});

const routes: readonly AnyRouteSpec[] = server.server.routes;

/** Strings a handler may recognise, mixed into every generated string. */
const knownStrings = () => [experimentId, '0', runId, modelId, registeredModel, '1', 'champion', 'acc', 'lr', 'mlflow.runName', 'ACTIVE_ONLY', 'FINISHED', 'LOGGED_MODEL_READY', `runs:/${runId}/model`, `models:/${modelId}`, artifactRoot];
const anyString = fc.oneof(
  { weight: 4, arbitrary: current(knownStrings) },
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '..', '../..', '/etc/passwd', 'a\\b', '\u0000', "' OR 1=1 --", 'metrics.acc > 0.5', 'NaN', 'Infinity', '-1', '1e309', '99999999999999999999') },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((length) => 'x'.repeat(length)) },
);
const anyNumber = fc.oneof(fc.integer(), fc.integer({ min: -2, max: 5 }), fc.double(), fc.constantFrom(0, -1, 1e300, 2 ** 53, -(2 ** 63), 1.5));
const anyJson = fc.jsonValue({ maxDepth: 3 });
const shortName = fc.string({ minLength: 1, maxLength: 12 }).map((text) => `n-${text}`);

/** A plausible string for a field of this name, so that many requests get past validation. */
function plausibleString(field: string | undefined): fc.Arbitrary<string> {
  switch (field ?? '') {
    case 'experiment_id':
    case 'experimentId':
    case 'experiment_ids':
    case 'experimentIds':
      return fc.constantFrom(experimentId, '0');
    case 'run_id':
    case 'run_uuid':
    case 'runId':
    case 'run_ids':
    case 'source_run_id':
      return fc.constant(runId);
    case 'model_id':
    case 'modelId':
      return current(() => [modelId]);
    case 'name':
    case 'new_name':
    case 'experiment_name':
      return fc.oneof(fc.constant(registeredModel), shortName);
    case 'key':
    case 'metric_key':
      return fc.constantFrom('acc', 'lr', 'loss', 'mlflow.note', 'k-1', 'a/b', 'team');
    case 'version':
      return fc.constantFrom('1', '2');
    case 'alias':
      return fc.constantFrom('champion', 'prod', 'b-1');
    case 'source':
      return current(() => [`runs:/${runId}/model`, `models:/${modelId}`, `models:/${registeredModel}/1`, 's3://bucket/model']);
    case 'filter':
      return fc.constantFrom('', 'metrics.acc > 0.5', "params.lr = '0.01'", "name LIKE '%n%'", "tags.team = 'a'", 'attributes.status = "RUNNING"');
    case 'order_by':
    case 'orderBy':
      return fc.constantFrom('metrics.acc DESC', 'name ASC', 'start_time', 'version_number DESC', 'creation_timestamp');
    case 'stages':
      return fc.constantFrom('None', 'Production', 'Staging');
    case 'path':
      return fc.constantFrom('', 'dir', artifactRoot, `${artifactRoot}/dir`);
    default:
      return fc.string({ maxLength: 16 });
  }
}

function plausibleNumber(field: string | undefined): fc.Arbitrary<number> {
  switch (field ?? '') {
    case 'timestamp':
    case 'start_time':
    case 'end_time':
    case 'startTime':
    case 'endTime':
      return fc.integer({ min: 0, max: 2_000_000_000_000 });
    case 'step':
    case 'start_step':
    case 'end_step':
      return fc.integer({ min: 0, max: 1000 });
    case 'max_results':
    case 'maxResults':
    case 'limit':
    case 'maxPoints':
      return fc.integer({ min: 1, max: 50 });
    default:
      return fc.oneof(fc.double(), fc.integer({ min: 0, max: 10 }));
  }
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
};

function jsonSchemaOf(schema: z.ZodType | undefined): JsonSchema | undefined {
  return schema === undefined ? undefined : (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
}

/**
 * Values shaped like `schema`, mostly plausible for the field they fill, with a wrong value of any
 * kind (or any string, any number) substituted now and then at every level.
 */
function fromSchema(schema: JsonSchema, field: string | undefined, depth = 0): fc.Arbitrary<unknown> {
  const alternatives = schema.anyOf ?? schema.oneOf;
  let shaped: fc.Arbitrary<unknown>;
  if (alternatives !== undefined) shaped = fc.oneof(...alternatives.map((alternative) => fromSchema(alternative, field, depth + 1)));
  else if (schema.const !== undefined) shaped = fc.constant(schema.const);
  else if (schema.enum !== undefined) shaped = fc.constantFrom(...schema.enum);
  else {
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    switch (type ?? '') {
      case 'object': {
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [key, property] of Object.entries(schema.properties ?? {})) record[key] = fromSchema(property, key, depth + 1);
        const required = (schema.required ?? []).filter((key) => key in record);
        shaped = fc
          .tuple(fc.record(record, { requiredKeys: required }), fc.option(fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 2 }), { freq: 4 }))
          .map(([known, extra]) => ({ ...extra, ...known }));
        break;
      }
      case 'array':
        shaped = fc.array(schema.items === undefined || depth > 4 ? anyJson : fromSchema(schema.items, field, depth + 1), { maxLength: depth <= 1 ? 6 : 3 });
        break;
      case 'string':
        shaped = schema.pattern === '^-?\\d+$' ? plausibleNumber(field).map((value) => String(Math.trunc(value))) : fc.oneof({ weight: 4, arbitrary: plausibleString(field) }, { weight: 1, arbitrary: anyString });
        break;
      case 'integer':
        shaped = fc.oneof({ weight: 4, arbitrary: plausibleNumber(field).map(Math.trunc) }, { weight: 1, arbitrary: anyNumber });
        break;
      case 'number':
        shaped = fc.oneof({ weight: 4, arbitrary: plausibleNumber(field) }, { weight: 1, arbitrary: anyNumber });
        break;
      case 'boolean':
        shaped = fc.boolean();
        break;
      default:
        shaped = anyJson;
    }
  }
  return fc.oneof({ weight: 12, arbitrary: shaped }, { weight: 1, arbitrary: anyJson });
}

interface Generated {
  path: string;
  query: [string, string][];
  body: string | Uint8Array | undefined;
  contentType: string | undefined;
}

/** A path parameter: a real id where the name says which, else anything. */
function paramValue(name: string, route: AnyRouteSpec): fc.Arbitrary<string> {
  const random = anyString.map((value) => encodeURIComponent(value.slice(0, 300)));
  const real: Record<string, string[]> = {
    model_id: [modelId],
    tag_key: ['mlflow.modelVersions'],
    experimentId: [experimentId, '0'],
    runId: [runId],
    name: [registeredModel],
    version: ['1'],
    alias: ['champion'],
    label: ['production', 'staging'],
    key: ['acc', 'team'],
  };
  if (name === '*') {
    const segment = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('seed.txt', 'dir', 'x.bin', '.', '..', '%2e%2e', 'seed.txt%2Fchild') },
      { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent) },
      { weight: 1, arbitrary: fc.integer({ min: 200, max: 600 }).map((length) => 'L'.repeat(length)) },
    );
    const inside = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
    const base = route.url.startsWith('/api/2.0/mlflow-artifacts') ? fc.constantFrom(`${artifactRoot}/`, `${experimentId}/models/${modelId}/artifacts/`, `${experimentId}/${runId}/`, '') : fc.constant('');
    return fc.oneof(fc.tuple(base, inside).map(([prefix, rest]) => `${prefix}${rest}`), random);
  }
  const known = real[name];
  // An admin key id is never substituted: revoking it would end the run.
  return known === undefined ? random : fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: random });
}

function pathArbitrary(route: AnyRouteSpec): fc.Arbitrary<string> {
  const parts = route.url.split('/').map((part) => (part.startsWith(':') ? paramValue(part.slice(1), route) : part === '*' ? paramValue('*', route) : fc.constant(part)));
  return fc.tuple(...parts).map((values) => values.join('/'));
}

const deepNesting = fc.integer({ min: 500, max: 200_000 }).chain((depth) =>
  fc.constantFrom(`${'['.repeat(depth)}${']'.repeat(depth)}`, `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, `{"name":${'['.repeat(depth)}${']'.repeat(depth)}}`, '['.repeat(depth)),
);
const hugeString = fc.integer({ min: 100_000, max: 2_000_000 }).map((length) => JSON.stringify({ name: 'n'.repeat(length), key: 'k', value: 'v'.repeat(64), run_id: runId }));

function bodyArbitrary(route: AnyRouteSpec): fc.Arbitrary<{ body: string | Uint8Array | undefined; contentType: string | undefined }> {
  if (route.rawBody === true) {
    return fc.record({
      body: fc.oneof(fc.uint8Array({ maxLength: 2048 }), fc.string({ maxLength: 200 }), fc.constant(undefined)),
      contentType: fc.constantFrom(undefined, 'application/octet-stream', 'application/json', 'text/plain', 'image/png', 'multipart/form-data; boundary=x'),
    });
  }
  const schema = jsonSchemaOf(route.body);
  const json = fc.oneof(
    { weight: 8, arbitrary: (schema === undefined ? anyJson : fromSchema(schema, undefined)).map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 2, arbitrary: anyJson.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 256 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
    { weight: 1, arbitrary: deepNesting },
    { weight: 1, arbitrary: hugeString },
    { weight: 1, arbitrary: fc.constant('') },
  );
  return fc.record({
    body: route.method === 'GET' ? fc.constant(undefined) : json,
    contentType: route.method === 'GET' ? fc.constant(undefined) : fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom(undefined, 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1') }),
  });
}

/** A query string: the route's own parameters (from its schema), plus odd and unknown keys. */
function queryArbitrary(route: AnyRouteSpec): fc.Arbitrary<[string, string][]> {
  const schema = jsonSchemaOf(route.query);
  const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');
  const own = schema === undefined ? fc.constant<[string, string][]>([]) : fromSchema(schema, undefined).map((value): [string, string][] => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [['q', asText(value)]];
    return Object.entries(value).flatMap(([key, item]): [string, string][] => (Array.isArray(item) ? item.map((entry): [string, string] => [key, asText(entry)]) : [[key, asText(item)]]));
  });
  const oddKey = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', 'run_ids[]', 'run_ids[0]', 'experiment_id[]'));
  const odd = fc.array(fc.tuple(oddKey, fc.oneof(anyString, anyNumber.map(String), fc.constantFrom('true', '', 'null', '[]', '{}'))), { maxLength: 3 });
  return fc.tuple(own, fc.option(odd, { freq: 3 })).map(([pairs, extra]) => [...pairs, ...(extra ?? [])]);
}

function requestArbitrary(route: AnyRouteSpec): fc.Arbitrary<Generated> {
  return fc.record({ path: pathArbitrary(route), query: queryArbitrary(route), payload: bodyArbitrary(route) }).map(({ path, query, payload }) => ({ path, query, body: payload.body, contentType: payload.contentType }));
}

async function send(route: AnyRouteSpec, request: Generated): Promise<{ status: number; text: string }> {
  const search = new URLSearchParams(request.query).toString();
  const headers: Record<string, string> = { authorization: `Bearer ${server.adminKey}` };
  if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  const response = await fetch(`${server.url}${request.path}${search === '' ? '' : `?${search}`}`, {
    method: route.method,
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  return { status: response.status, text: await response.text() };
}

const storedFiles = () => listTree(server.home).filter((entry) => !entry.startsWith('keel.db'));

const runsPerRoute = Number(process.env.KEEL_FUZZ_RUNS ?? 20);

describe('fuzzing every registered route', () => {
  it('covers the routes of all three APIs', () => {
    const apis = new Set(routes.map((route) => route.api));
    expect([...apis].sort()).toEqual(['langfuse', 'mlflow', 'native', 'openai', 'otlp', 'system']);
    expect(routes.filter((route) => route.api === 'mlflow').length).toBeGreaterThan(50);
  });

  it.each(routes.map((route) => [`${route.method} ${route.url}`, route] as const))('%s', async (_label, route) => {
    await refreshFixtures();
    await fc.assert(
      fc.asyncProperty(requestArbitrary(route), async (request) => {
        // A metric logged by an earlier (successful) request may still be compacted in the background.
        await server.settle();
        const counts = probe.counts();
        const digest = probe.digest();
        const files = storedFiles();
        const answer = await send(route, request);
        const context = `${route.method} ${request.path} -> ${answer.status} ${answer.text.slice(0, 300)}`;
        expect(answer.status, context).toBeLessThan(500);
        if (answer.status >= 400) {
          let body: unknown;
          expect(() => (body = JSON.parse(answer.text)), context).not.toThrow();
          // The gateway's OpenAI routes answer in OpenAI's error shape; every other route in Keel's.
          // The HTTP parser's own refusals (431: headers or URL too large) come before any route is known.
          if (route.api === 'openai' && answer.status !== 431) expect(body, context).toMatchObject({ error: { message: expect.any(String), type: expect.any(String) } });
          else expect(body, context).toMatchObject({ error_code: expect.any(String), message: expect.any(String) });
          if (request.path.startsWith('/api/2.0/')) expect(Object.keys(body as object).sort(), context).toEqual(['error_code', 'message']);
        }
        if (answer.status < 200 || answer.status >= 300) {
          expect(probe.counts(), context).toEqual(counts);
          expect(probe.digest(), context).toBe(digest);
          expect(storedFiles(), context).toEqual(files);
        }
      }),
      { numRuns: runsPerRoute },
    );
  });
});
