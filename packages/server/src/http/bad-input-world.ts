import { expect } from 'vitest';
import {
  bearerAuth, createMlflowExperiment, createMlflowModelVersion, createMlflowRegisteredModel, createMlflowRun, type DatabaseProbe, expectMlflowError, expectOk,
  type HttpAnswer, listTree, type MlflowHttp, mlflowHttp, openDatabaseProbe, startTestServer, type TestServer,
} from '@keel/testing';

/** Shared set-up of the bad-input suites: servers, and checks that a rejected request stored nothing. */

export interface Fixture {
  server: TestServer;
  client: MlflowHttp;
  probe: DatabaseProbe;
}

export async function open(options: { maxBodyBytes?: number; maxArtifactBytes?: number } = {}): Promise<Fixture> {
  const server = await startTestServer(options);
  return { server, client: mlflowHttp(server.url, bearerAuth(server.adminKey)), probe: openDatabaseProbe(server.home) };
}

export async function close(fixture: Fixture | undefined): Promise<void> {
  fixture?.probe.close();
  await fixture?.server.close();
}

/** Files under <home>, without the database's own files. */
export const storedFiles = (fixture: Fixture) => listTree(fixture.server.home).filter((entry) => !entry.startsWith('keel.db'));

/** Runs `work` and asserts that no row of any table and no file changed. */
export async function expectNothingStored<T>(fixture: Fixture, work: () => Promise<T>): Promise<T> {
  await fixture.server.settle();
  const counts = fixture.probe.counts();
  const digest = fixture.probe.digest();
  const files = storedFiles(fixture);
  const result = await work();
  expect(fixture.probe.counts()).toEqual(counts);
  expect(fixture.probe.digest()).toBe(digest);
  expect(storedFiles(fixture)).toEqual(files);
  return result;
}

/** One MLflow request that must fail with `status` (and `code` when given) and store nothing. */
export async function expectRejected(fixture: Fixture, send: () => Promise<HttpAnswer>, status: number, code: string): Promise<string> {
  return expectNothingStored(fixture, async () => expectMlflowError(await send(), status, code));
}

export const maxBodyBytes = 4096;
export const maxArtifactBytes = 1024;

export interface BadInputWorld {
  main: Fixture;
  /** A server with small body and artifact limits. */
  small: Fixture;
  experimentId: string;
  runId: string;
  modelName: string;
}

/** Two servers, and an experiment, run (param lr=0.01) and registered model with one version on the main one. */
export async function openBadInputWorld(): Promise<BadInputWorld> {
  const [main, small] = await Promise.all([open(), open({ maxBodyBytes, maxArtifactBytes })]);
  const experimentId = await createMlflowExperiment(main.client);
  const runId = (await createMlflowRun(main.client, experimentId)).run_id;
  expectOk(await main.client.post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.01' }));
  const modelName = await createMlflowRegisteredModel(main.client);
  await createMlflowModelVersion(main.client, modelName, experimentId);
  return { main, small, experimentId, runId, modelName };
}

export async function closeBadInputWorld(world: BadInputWorld | undefined): Promise<void> {
  await Promise.all([close(world?.main), close(world?.small)]);
}
