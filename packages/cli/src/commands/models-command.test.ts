import { createKeelClient } from '@keel/sdk';
import { type TestServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureCli } from '../capture-cli.ts';

let server: TestServer;
let env: Record<string, string>;
let runId: string;

beforeAll(async () => {
  server = await startTestServer();
  env = { KEEL_URL: server.url, KEEL_API_KEY: server.adminKey };
  const client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
  const experiment = await client.experiments.create({ name: 'models' });
  runId = (await client.runs.create({ experimentId: experiment.experimentId })).info.runId;
  await client.registry.createModel({ name: 'churn', description: 'predicts churn' });
  await client.registry.createVersion('churn', { runId, artifactPath: 'model' });
  await client.registry.createVersion('churn', { runId, artifactPath: 'model-v2' });
  await client.registry.setAlias('churn', 'champion', 1);
  await client.registry.createModel({ name: 'empty' });
});
afterAll(async () => {
  await server.close();
});

describe('keel models', () => {
  it('lists models with their latest version', async () => {
    const result = await captureCli(['models', 'list'], { env });
    const lines = result.stdout.trimEnd().split('\n').map((line) => line.replace(/\s+/g, ' '));
    expect(lines[0]).toBe('NAME LATEST ALIASES UPDATED DESCRIPTION');
    expect(lines.slice(1).map((line) => line.replace(/ \S+Z( |$)/, ' <time>$1'))).toEqual(['churn 2 champion=v1 <time> predicts churn', 'empty - <time>']);
  });

  it('shows versions and aliases, moves an alias and deletes it', async () => {
    expect(await captureCli(['models', 'alias', 'churn', 'prod', '2'], { env })).toEqual({ code: 0, stdout: 'churn@prod now points to version 2.\n', stderr: '' });
    const shown = await captureCli(['models', 'get', 'churn'], { env });
    expect(shown.stdout).toContain('description  predicts churn\n');
    const versionLines = shown.stdout.split('\n').filter((line) => /^\s*\d+\s/.test(line)).map((line) => line.replace(/\s+/g, ' ').trim().replace(/ \S+Z$/, ''));
    expect(versionLines).toEqual([`2 prod READY ${runId} runs:/${runId}/model-v2`, `1 champion READY ${runId} runs:/${runId}/model`]);

    // Roll back: prod goes to 1.
    await captureCli(['models', 'alias', 'churn', 'prod', '1'], { env });
    const json = JSON.parse((await captureCli(['models', 'get', 'churn', '--json'], { env })).stdout) as { model: { aliases: { alias: string; version: string }[] }; versions: { version: string }[] };
    expect(json.model.aliases).toEqual(expect.arrayContaining([{ alias: 'prod', version: '1' }, { alias: 'champion', version: '1' }]));
    expect(json.versions.map((version) => version.version)).toEqual(['2', '1']);

    expect(await captureCli(['models', 'alias', 'churn', 'prod', '--delete'], { env })).toEqual({ code: 0, stdout: 'Deleted alias prod of churn.\n', stderr: '' });
    const after = JSON.parse((await captureCli(['models', 'get', 'churn', '--json'], { env })).stdout) as { model: { aliases: { alias: string }[] } };
    expect(after.model.aliases.map((alias) => alias.alias)).toEqual(['champion']);
  });

  it('explains a missing version, a missing model and an unknown version', async () => {
    expect((await captureCli(['models', 'alias', 'churn', 'prod'], { env })).stderr).toBe('keel: INVALID_PARAMETER_VALUE: Give the version for churn@prod, or --delete to remove the alias\n');
    const missing = await captureCli(['models', 'get', 'nope'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^keel: RESOURCE_DOES_NOT_EXIST: .*nope/);
    const badVersion = await captureCli(['models', 'alias', 'churn', 'prod', '9'], { env });
    expect(badVersion.code).toBe(1);
    expect(badVersion.stderr).toMatch(/^keel: RESOURCE_DOES_NOT_EXIST: /);
    expect((await captureCli(['models', 'get', 'empty'], { env })).stdout).toMatch(/No versions yet\.\n$/);
  });
});
