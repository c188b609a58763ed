import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basicAuth, createMlflowExperiment, createMlflowModelVersion, createMlflowRegisteredModel, createMlflowRun, expectMlflowError, expectOk, type MlflowHttp, mlflowHttp,
  type MlflowModelVersionJson, startTestServer, type TestServer, uniqueName,
} from '@keel/testing';

/** The model registry as `MlflowClient` drives it: GET queries, PATCH and DELETE with JSON bodies. */

let server: TestServer;
let client: MlflowHttp;

beforeAll(async () => {
  server = await startTestServer();
  client = mlflowHttp(server.url, basicAuth(server.adminKey));
});
afterAll(async () => {
  await server.close();
});

interface RegisteredModelJson {
  name: string;
  description?: string;
  tags?: { key: string; value: string }[];
  aliases?: { alias: string; version: string }[];
  latest_versions?: MlflowModelVersionJson[];
}

const getModel = async (name: string) => expectOk<{ registered_model: RegisteredModelJson }>(await client.get('registered-models/get', { name })).registered_model;
const getVersion = async (name: string, version: string) => expectOk<{ model_version: MlflowModelVersionJson & { description?: string } }>(await client.get('model-versions/get', { name, version })).model_version;

describe('registered models', () => {
  it('create with a description and tags; get returns them with latest_versions', async () => {
    const name = uniqueName('clf');
    const { registered_model: created } = expectOk<{ registered_model: RegisteredModelJson }>(
      await client.post('registered-models/create', { name, description: 'fraud model', tags: [{ key: 'team', value: 'risk' }] }),
    );
    expect(created).toMatchObject({ name, description: 'fraud model', tags: [{ key: 'team', value: 'risk' }] });
    await createMlflowModelVersion(client, name);
    const model = await getModel(name);
    expect(model.latest_versions?.map((version) => version.version)).toEqual(['1']);
  });

  it('PATCH registered-models/update sets the description', async () => {
    const name = await createMlflowRegisteredModel(client);
    const { registered_model: updated } = expectOk<{ registered_model: RegisteredModelJson }>(await client.patch('registered-models/update', { name, description: 'v2 description' }));
    expect(updated.description).toBe('v2 description');
    expect((await getModel(name)).description).toBe('v2 description');
  });

  it('set-tag, then DELETE delete-tag with a JSON body', async () => {
    const name = await createMlflowRegisteredModel(client);
    expect(expectOk(await client.post('registered-models/set-tag', { name, key: 'owner', value: 'ana' }))).toEqual({});
    expect((await getModel(name)).tags).toEqual([{ key: 'owner', value: 'ana' }]);
    expect(expectOk(await client.delete('registered-models/delete-tag', { name, key: 'owner' }))).toEqual({});
    expect((await getModel(name)).tags ?? []).toEqual([]);
  });

  it('rename keeps the versions and aliases under the new name; the old name is gone', async () => {
    const name = await createMlflowRegisteredModel(client);
    await createMlflowModelVersion(client, name);
    expectOk(await client.post('registered-models/alias', { name, alias: 'prod', version: '1' }));
    const newName = uniqueName('renamed');
    const { registered_model: renamed } = expectOk<{ registered_model: RegisteredModelJson }>(await client.post('registered-models/rename', { name, new_name: newName }));
    expect(renamed.name).toBe(newName);
    expectMlflowError(await client.get('registered-models/get', { name }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect(await getVersion(newName, '1')).toMatchObject({ name: newName, version: '1' });
    expect(expectOk<{ model_version: MlflowModelVersionJson }>(await client.get('registered-models/alias', { name: newName, alias: 'prod' })).model_version.version).toBe('1');
  });

  it('search with a LIKE filter, order_by and max_results pages through every match once', async () => {
    const prefix = uniqueName('search');
    const names = ['c', 'a', 'e', 'b', 'd'].map((suffix) => `${prefix}-${suffix}`);
    for (const name of names) await createMlflowRegisteredModel(client, name);
    await createMlflowRegisteredModel(client, uniqueName('unrelated'));
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = expectOk<{ registered_models?: RegisteredModelJson[]; next_page_token?: string }>(
        await client.get('registered-models/search', { filter: `name LIKE '${prefix}-%'`, max_results: 2, order_by: ['name DESC'], page_token: pageToken }),
      );
      seen.push(...(page.registered_models ?? []).map((model) => model.name));
      pageToken = page.next_page_token === '' ? undefined : page.next_page_token;
      pages += 1;
    } while (pageToken !== undefined && pages < 10);
    expect(seen).toEqual([...names].sort().reverse());
    expect(pages).toBe(3);
  });

  it('get-latest-versions by POST and by GET with repeated stages', async () => {
    const name = await createMlflowRegisteredModel(client);
    await createMlflowModelVersion(client, name);
    await createMlflowModelVersion(client, name);
    expectOk(await client.post('model-versions/transition-stage', { name, version: '1', stage: 'Production', archive_existing_versions: false }));
    const posted = expectOk<{ model_versions: MlflowModelVersionJson[] }>(await client.post('registered-models/get-latest-versions', { name, stages: ['Production'] }));
    expect(posted.model_versions.map((version) => [version.version, version.current_stage])).toEqual([['1', 'Production']]);
    const got = expectOk<{ model_versions: MlflowModelVersionJson[] }>(await client.get('registered-models/get-latest-versions', { name, stages: ['None', 'Production'] }));
    expect(got.model_versions.map((version) => [version.version, version.current_stage]).sort()).toEqual([['1', 'Production'], ['2', 'None']]);
  });

  it('DELETE registered-models/delete with a JSON body removes the model and its versions', async () => {
    const name = await createMlflowRegisteredModel(client);
    await createMlflowModelVersion(client, name);
    expect(expectOk(await client.delete('registered-models/delete', { name }))).toEqual({});
    expectMlflowError(await client.get('registered-models/get', { name }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectMlflowError(await client.get('model-versions/get', { name, version: '1' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    // The name is free again, and versions start over at 1.
    await createMlflowRegisteredModel(client, name);
    expect((await createMlflowModelVersion(client, name)).version.version).toBe('1');
  });
});

describe('model versions', () => {
  it('PATCH model-versions/update sets the description; a numeric version in JSON is read as the same version', async () => {
    const name = await createMlflowRegisteredModel(client);
    await createMlflowModelVersion(client, name);
    const { model_version: updated } = expectOk<{ model_version: { description?: string; version: string } }>(await client.patch('model-versions/update', { name, version: 1, description: 'first cut' }));
    expect(updated).toMatchObject({ version: '1', description: 'first cut' });
    expect((await getVersion(name, '1')).description).toBe('first cut');
  });

  it('set-tag, then DELETE delete-tag with a JSON body', async () => {
    const name = await createMlflowRegisteredModel(client);
    await createMlflowModelVersion(client, name);
    expect(expectOk(await client.post('model-versions/set-tag', { name, version: '1', key: 'validated', value: 'yes' }))).toEqual({});
    expect((await getVersion(name, '1')).tags).toEqual([{ key: 'validated', value: 'yes' }]);
    expect(expectOk(await client.delete('model-versions/delete-tag', { name, version: '1', key: 'validated' }))).toEqual({});
    expect((await getVersion(name, '1')).tags ?? []).toEqual([]);
  });

  it('search by name and by run_id', async () => {
    const name = await createMlflowRegisteredModel(client);
    const first = await createMlflowModelVersion(client, name);
    await createMlflowModelVersion(client, name);
    const byName = expectOk<{ model_versions: MlflowModelVersionJson[] }>(await client.get('model-versions/search', { filter: `name='${name}'`, order_by: ['version_number ASC'] }));
    expect(byName.model_versions.map((version) => version.version)).toEqual(['1', '2']);
    const byRun = expectOk<{ model_versions: MlflowModelVersionJson[] }>(await client.get('model-versions/search', { filter: `run_id = '${first.runId}'` }));
    expect(byRun.model_versions.map((version) => [version.name, version.version])).toEqual([[name, '1']]);
  });

  it('get-download-uri: the logged model\'s files for models:/<id>, the run\'s artifact path for runs:/<run>/<path>', async () => {
    const name = await createMlflowRegisteredModel(client);
    const fromModel = await createMlflowModelVersion(client, name);
    expect(expectOk(await client.get('model-versions/get-download-uri', { name, version: '1' }))).toEqual({
      artifact_uri: `mlflow-artifacts:/${fromModel.experimentId}/models/${fromModel.modelId}/artifacts`,
    });
    const experimentId = await createMlflowExperiment(client);
    const run = await createMlflowRun(client, experimentId);
    const { model_version: fromRun } = expectOk<{ model_version: MlflowModelVersionJson }>(await client.post('model-versions/create', { name, source: `runs:/${run.run_id}/model`, run_id: run.run_id }));
    expect(fromRun).toMatchObject({ version: '2', run_id: run.run_id, status: 'READY' });
    expect(expectOk(await client.get('model-versions/get-download-uri', { name, version: '2' }))).toEqual({ artifact_uri: `${run.artifact_uri}/model` });
  });

  it('DELETE model-versions/delete with a JSON body removes the version and the alias pointing at it', async () => {
    const name = await createMlflowRegisteredModel(client);
    await createMlflowModelVersion(client, name);
    await createMlflowModelVersion(client, name);
    expectOk(await client.post('registered-models/alias', { name, alias: 'staging', version: '2' }));
    expect(expectOk(await client.delete('model-versions/delete', { name, version: '2' }))).toEqual({});
    expectMlflowError(await client.get('model-versions/get', { name, version: '2' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectMlflowError(await client.get('registered-models/alias', { name, alias: 'staging' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect((await getVersion(name, '1')).version).toBe('1');
  });

  it('a version from a run of another registered model carries over with models:/<name>/<version>', async () => {
    const source = await createMlflowRegisteredModel(client);
    const original = await createMlflowModelVersion(client, source);
    const target = await createMlflowRegisteredModel(client);
    const { model_version: copied } = expectOk<{ model_version: MlflowModelVersionJson }>(await client.post('model-versions/create', { name: target, source: `models:/${source}/1` }));
    expect(copied).toMatchObject({ name: target, version: '1', run_id: original.runId, model_id: original.modelId });
  });
});

describe('aliases', () => {
  it('reserved and malformed alias names are 400 INVALID_PARAMETER_VALUE', async () => {
    const name = await createMlflowRegisteredModel(client);
    await createMlflowModelVersion(client, name);
    for (const alias of ['latest', 'v1', 'V12', 'has space', 'semi;colon', '']) {
      expectMlflowError(await client.post('registered-models/alias', { name, alias, version: '1' }), 400, 'INVALID_PARAMETER_VALUE');
    }
  });

  it('an alias for a version that does not exist is 404', async () => {
    const name = await createMlflowRegisteredModel(client);
    await createMlflowModelVersion(client, name);
    expectMlflowError(await client.post('registered-models/alias', { name, alias: 'prod', version: '9' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectMlflowError(await client.post('registered-models/alias', { name: uniqueName('ghost'), alias: 'prod', version: '1' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('model versions list the aliases that point at them', async () => {
    const name = await createMlflowRegisteredModel(client);
    await createMlflowModelVersion(client, name);
    expectOk(await client.post('registered-models/alias', { name, alias: 'champion', version: '1' }));
    expectOk(await client.post('registered-models/alias', { name, alias: 'blue', version: 1 }));
    expect([...((await getVersion(name, '1')).aliases ?? [])].sort()).toEqual(['blue', 'champion']);
  });
});
