import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type TestServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureCli } from '../capture-cli.ts';

let server: TestServer;
let env: Record<string, string>;
beforeAll(async () => {
  server = await startTestServer();
  env = { KEEL_URL: server.url, KEEL_API_KEY: server.adminKey };
});
afterAll(async () => {
  await server.close();
});

const gatewayYaml = `
providers:
  - name: openai
    type: openai
    api_key: sk-cli-PLAINTEXT-secret
models:
  - name: chat
    targets: [{ provider: openai, model: gpt-4o-mini }]
`;

describe('keel gateway', () => {
  it('puts a configuration from a YAML file and prints it back redacted', async () => {
    const file = path.join(server.home, 'gateway.yaml');
    await writeFile(file, gatewayYaml);
    expect(await captureCli(['gateway', 'config', 'put', file], { env })).toEqual({ code: 0, stdout: 'Stored gateway configuration version 1: 1 providers, 1 models, 0 keys.\n', stderr: '' });
    const shown = await captureCli(['gateway', 'config', 'get'], { env });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^# Gateway configuration of project .*: version 1\n/);
    expect(shown.stdout).toContain('api_key:\n      redacted: true');
    expect(shown.stdout).not.toContain('PLAINTEXT');
    // A stale --expected-version is refused; the printed YAML can be written back as it is.
    const stale = await captureCli(['gateway', 'config', 'put', file, '--expected-version', '0'], { env });
    expect(stale).toMatchObject({ code: 1, stderr: expect.stringMatching(/^keel: RESOURCE_CONFLICT: /) });
    const readBack = path.join(server.home, 'read-back.yaml');
    await writeFile(readBack, shown.stdout);
    expect((await captureCli(['gateway', 'config', 'put', readBack, '--expected-version', '1'], { env })).stdout).toMatch(/^Stored gateway configuration version 2/);
    const bad = path.join(server.home, 'bad.yaml');
    await writeFile(bad, gatewayYaml.replace('provider: openai', 'provider: nobody'));
    expect((await captureCli(['gateway', 'config', 'put', bad], { env })).stderr).toBe("keel: INVALID_PARAMETER_VALUE: Invalid gateway configuration: models[0].targets[0].provider: no provider named 'nobody'\n");
  });

  it('creates a virtual key with limits, lists it without its secret, and revokes it', async () => {
    const created = await captureCli(['gateway', 'keys', 'create', 'ci-bot', '--models', 'chat', '--rpm', '60', '--budget-day', '2.5'], { env });
    expect(created.code, created.stderr).toBe(0);
    const match = /^Created virtual key 'ci-bot'\.\nSecret; it will not be shown again, so store it now:\n {2}(keel-vk-\S+)\n$/.exec(created.stdout);
    expect(match, created.stdout).not.toBeNull();
    const secret = match?.[1] ?? '';
    const listed = await captureCli(['gateway', 'keys', 'list'], { env });
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+SOURCE\s+PREFIX\s+MODELS\s+LIMITS\s+CREATED\s+REVOKED$/);
    expect(lines[1]).toMatch(new RegExp(`^ci-bot\\s+api\\s+${secret.slice(0, 14)}\\s+chat\\s+60 rpm, \\$2\\.5/day\\s+\\S+Z\\s+-$`));
    expect(listed.stdout).not.toContain(secret);
    expect(await captureCli(['gateway', 'keys', 'revoke', 'ci-bot'], { env })).toEqual({ code: 0, stdout: "Revoked virtual key 'ci-bot'.\n", stderr: '' });
    expect((await captureCli(['gateway', 'keys', 'revoke', 'ci-bot'], { env })).stderr).toBe("keel: RESOURCE_DOES_NOT_EXIST: No live virtual key named 'ci-bot'\n");
    const json = JSON.parse((await captureCli(['gateway', 'keys', 'list', '--json'], { env })).stdout) as { name: string; revoked_at: number | null }[];
    expect(json).toEqual([expect.objectContaining({ name: 'ci-bot', revoked_at: expect.any(Number) })]);
  });

  it('prints usage as a table grouped by the dimensions asked for, with a total', async () => {
    const projectId = (await server.server.services.auth.listProjects()).find((project) => project.name === 'default')?.id ?? -1;
    const at = Date.parse('2024-05-01T08:00:00Z');
    const base = { projectId, requests: 1, errors: 0, cacheHits: 0, inputTokens: 1_000, outputTokens: 200, estimatedRequests: 0, costMicros: 2_000, atMs: at };
    server.server.services.gatewayUsage.record({ ...base, keyName: 'ci-bot', model: 'chat' });
    server.server.services.gatewayUsage.record({ ...base, keyName: 'ci-bot', model: 'chat', errors: 1 });
    server.server.services.gatewayUsage.record({ ...base, keyName: '', model: 'embed', estimatedRequests: 1, costMicros: 10 });
    const table = await captureCli(['gateway', 'usage', '--from', '2024-05-01', '--to', '2024-05-01', '--by', 'key,model'], { env });
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KEY\s+MODEL\s+REQUESTS\s+ERRORS\s+CACHE HITS\s+INPUT TOKENS\s+OUTPUT TOKENS\s+COST\s+NOTE$/);
    expect(lines[1]).toMatch(/^\(project key\)\s+embed\s+1\s+0\s+0\s+1000\s+200\s+\$0\.000010\s+1 estimated$/);
    expect(lines[2]).toMatch(/^ci-bot\s+chat\s+2\s+1\s+0\s+2000\s+400\s+\$0\.004000\s*$/);
    expect(lines[3]).toMatch(/^TOTAL\s+3\s+1\s+0\s+3000\s+600\s+\$0\.004010/);
    const json = JSON.parse((await captureCli(['gateway', 'usage', '--from', '2024-05-01', '--to', '2024-05-01', '--json'], { env })).stdout) as { rows: unknown[] };
    expect(json.rows).toEqual([{ day: '2024-05-01', requests: 3, errors: 1, cache_hits: 0, input_tokens: 3000, output_tokens: 600, estimated_requests: 1, cost_usd: 0.00401 }]);
    expect((await captureCli(['gateway', 'usage', '--from', '2023-01-01', '--to', '2023-01-02'], { env })).stdout).toBe('No gateway usage from 2023-01-01 to 2023-01-02.\n');
    expect((await captureCli(['gateway', 'usage', '--by', 'user'], { env })).stderr).toBe("keel: INVALID_PARAMETER_VALUE: --by takes day, key and model, not 'user'\n");
  });
});
