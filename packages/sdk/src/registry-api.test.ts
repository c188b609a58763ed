import { type TestServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeelClient, type KeelClient } from './create-keel-client.ts';

let server: TestServer;
let client: KeelClient;
beforeAll(async () => {
  server = await startTestServer();
  client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
});
afterAll(async () => {
  await server.close();
});

describe('registry', () => {
  it('registers versions from a run, moves an alias, and traces lineage back to the experiment', async () => {
    const experiment = await client.experiments.create({ name: 'registry-flow' });
    const run = await client.runs.create({ experimentId: experiment.experimentId, runName: 'trainer' });
    await client.runs.uploadArtifact(run.info.runId, 'model/weights.bin', Buffer.from([1, 2, 3]));

    const model = await client.registry.createModel({ name: 'churn', description: 'first', tags: { team: 'growth' } });
    expect(model).toMatchObject({ name: 'churn', description: 'first', tags: [{ key: 'team', value: 'growth' }] });
    const v1 = await client.registry.createVersion('churn', { runId: run.info.runId, artifactPath: 'model' });
    expect(v1).toMatchObject({ version: '1', runId: run.info.runId, source: `runs:/${run.info.runId}/model` });
    const v2 = await client.registry.createVersion('churn', { source: `runs:/${run.info.runId}/model`, description: 'retrained' });
    expect(v2).toMatchObject({ version: '2', runId: run.info.runId, description: 'retrained' });

    expect(await client.registry.setAlias('churn', 'champion', 2)).toMatchObject({ version: '2' });
    expect((await client.registry.resolveAlias('churn', 'champion')).version).toBe('2');
    await client.registry.setAlias('churn', 'champion', '1');
    expect((await client.registry.resolveAlias('churn', 'champion')).version).toBe('1');
    expect((await client.registry.getModel('churn')).aliases).toEqual([{ alias: 'champion', version: '1' }]);
    expect((await client.registry.getVersion('churn', 1)).aliases).toEqual(['champion']);

    const versions = await client.registry.listVersions('churn');
    expect(versions.items.map((version) => version.version)).toEqual(['2', '1']);

    const lineage = await client.registry.lineage('churn', '1');
    expect(lineage.modelVersion.version).toBe('1');
    expect(lineage.run?.info).toMatchObject({ runId: run.info.runId, runName: 'trainer' });
    expect(lineage.experiment).toMatchObject({ experimentId: experiment.experimentId, name: 'registry-flow' });

    await client.registry.deleteAlias('churn', 'champion');
    await expect(client.registry.resolveAlias('churn', 'champion')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST', status: 404 });

    // Newest first: the alias moves are an audit trail of deploys and rollbacks.
    const history = await client.registry.history('churn');
    expect(history.filter((event) => event.alias === 'champion').map((event) => [event.action, event.version])).toEqual([
      ['alias_deleted', '1'],
      ['alias_set', '1'],
      ['alias_set', '2'],
    ]);
    expect(history.filter((event) => event.action === 'version_created').map((event) => event.version)).toEqual(['2', '1']);
    expect((await client.registry.history('churn', { action: 'alias_set', limit: 1 })).map((event) => event.version)).toEqual(['1']);
  });

  it('searches, renames, describes and deletes models', async () => {
    await client.registry.createModel({ name: 'search-me-a' });
    await client.registry.createModel({ name: 'search-me-b' });
    const page = await client.registry.searchModels({ filter: "name LIKE 'search-me-%'", orderBy: ['name DESC'] });
    expect(page.items.map((model) => model.name)).toEqual(['search-me-b', 'search-me-a']);

    expect((await client.registry.renameModel('search-me-a', 'renamed-a')).name).toBe('renamed-a');
    expect((await client.registry.describeModel('renamed-a', 'now described')).description).toBe('now described');
    await client.registry.deleteModel('renamed-a');
    await expect(client.registry.getModel('renamed-a')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    await expect(client.registry.createModel({ name: 'search-me-b' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS', status: 409 });
  });
});
