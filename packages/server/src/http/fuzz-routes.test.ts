import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bearerAuth, createMlflowExperiment, createMlflowModelVersion, createMlflowRegisteredModel, listTree, mlflowHttp, openDatabaseProbe, startTestServer,
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
const experimentId = await createMlflowExperiment(admin);
const registeredModel = await createMlflowRegisteredModel(admin);
const fixture = await createMlflowModelVersion(admin, registeredModel, experimentId);
const runId = fixture.runId;
const modelId = fixture.modelId;
const artifactRoot = `${experimentId}/${runId}/artifacts`;
const seeded = await admin.put(`/api/2.0/mlflow-artifacts/artifacts/${artifactRoot}/seed.txt`, 'seed', 'text/plain');
expect(seeded.status).toBe(200);

afterAll(async () => {
  probe.close();
  await server.close();
});

const routes: readonly AnyRouteSpec[] = server.server.routes;

/** Strings a handler may recognise, mixed into every generated string. */
const knownStrings = [experimentId, '0', runId, modelId, registeredModel, '1', 'champion', 'acc', 'lr', 'mlflow.runName', 'ACTIVE_ONLY', 'FINISHED', 'LOGGED_MODEL_READY', `runs:/${runId}/model`, `models:/${modelId}`, artifactRoot];
const anyString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...knownStrings) },
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '..', '../..', '/etc/passwd', 'a\\b', '\u0000', "' OR 1=1 --", 'metrics.acc > 0.5', 'NaN', 'Infinity', '-1', '1e309', '99999999999999999999') },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((length) => 'x'.repeat(length)) },
);
const anyNumber = fc.oneof(fc.integer(), fc.integer({ min: -2, max: 5 }), fc.double(), fc.constantFrom(0, -1, 1e300, 2 ** 53, -(2 ** 63), 1.5));
const anyJson = fc.jsonValue({ maxDepth: 3 });

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
};

function jsonSchemaOf(schema: z.ZodType | undefined): JsonSchema | undefined {
  return schema === undefined ? undefined : (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
}

/** Values shaped like `schema`, with a wrong value of any kind substituted now and then at every level. */
function fromSchema(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const alternatives = schema.anyOf ?? schema.oneOf;
  let shaped: fc.Arbitrary<unknown>;
  if (alternatives !== undefined) shaped = fc.oneof(...alternatives.map((alternative) => fromSchema(alternative, depth + 1)));
  else if (schema.const !== undefined) shaped = fc.constant(schema.const);
  else if (schema.enum !== undefined) shaped = fc.constantFrom(...schema.enum);
  else {
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    switch (type) {
      case 'object': {
        const properties = Object.entries(schema.properties ?? {});
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [key, property] of properties) record[key] = fromSchema(property, depth + 1);
        shaped = fc.tuple(fc.record(record, { requiredKeys: (schema.required ?? []).filter((key) => key in record) }), fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 2 }))
          .map(([known, extra]) => ({ ...extra, ...known }));
        break;
      }
      case 'array':
        shaped = fc.array(schema.items === undefined || depth > 4 ? anyJson : fromSchema(schema.items, depth + 1), { maxLength: depth === 1 ? 8 : 3 });
        break;
      case 'string':
        shaped = anyString;
        break;
      case 'integer':
      case 'number':
        shaped = anyNumber;
        break;
      case 'boolean':
        shaped = fc.boolean();
        break;
      default:
        shaped = anyJson;
    }
  }
  return fc.oneof({ weight: 8, arbitrary: shaped }, { weight: 1, arbitrary: anyJson });
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
    key: ['acc', 'team'],
  };
  if (name === '*') {
    const inside = fc.array(fc.oneof(fc.constantFrom('seed.txt', 'dir', 'x.bin', '.', '..'), fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent)), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
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
    { weight: 6, arbitrary: (schema === undefined ? anyJson : fromSchema(schema)).map((value) => JSON.stringify(value) ?? 'null') },
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

function queryArbitrary(route: AnyRouteSpec): fc.Arbitrary<[string, string][]> {
  const schema = jsonSchemaOf(route.query);
  const known = Object.keys(schema?.properties ?? {});
  const key = fc.oneof({ weight: 4, arbitrary: known.length === 0 ? fc.string({ maxLength: 10 }) : fc.constantFrom(...known) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'a[]', 'a[0]') });
  const value = fc.oneof(anyString, anyNumber.map(String), fc.constantFrom('true', 'false', '', 'null', '[]', '{}'));
  return fc.array(fc.tuple(key, value), { maxLength: 6 });
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

const runsPerRoute = Number(process.env.KEEL_FUZZ_RUNS ?? 25);

describe('fuzzing every registered route', () => {
  it('covers the routes of all three APIs', () => {
    const apis = new Set(routes.map((route) => route.api));
    expect([...apis].sort()).toEqual(['mlflow', 'native', 'system']);
    expect(routes.filter((route) => route.api === 'mlflow').length).toBeGreaterThan(50);
  });

  it.each(routes.map((route) => [`${route.method} ${route.url}`, route] as const))('%s', async (_label, route) => {
    await fc.assert(
      fc.asyncProperty(requestArbitrary(route), async (request) => {
        const counts = probe.counts();
        const digest = probe.digest();
        const files = storedFiles();
        const answer = await send(route, request);
        const context = `${route.method} ${request.path} -> ${answer.status} ${answer.text.slice(0, 300)}`;
        expect(answer.status, context).toBeLessThan(500);
        if (answer.status >= 400) {
          let body: unknown;
          expect(() => (body = JSON.parse(answer.text)), context).not.toThrow();
          expect(body, context).toMatchObject({ error_code: expect.any(String), message: expect.any(String) });
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
