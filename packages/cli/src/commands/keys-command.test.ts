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

describe('keel keys', () => {
  it('creates a key, shows its secret once, lists it, and revokes it', async () => {
    const created = await captureCli(['keys', 'create', '--role', 'write', '--name', 'ci-bot'], { env });
    expect(created.code).toBe(0);
    const match = /^Created write key 'ci-bot' \(id (key_\w+)\) in project default\.\nSecret; it will not be shown again, so store it now:\n {2}(keel_\w+)\n$/.exec(created.stdout);
    expect(match, created.stdout).not.toBeNull();
    const [, keyId = '', secret = ''] = match ?? [];

    const listed = await captureCli(['keys', 'list'], { env });
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+PROJECT\s+ROLE\s+PREFIX\s+CREATED\s+REVOKED$/);
    const row = lines.find((line) => line.startsWith(keyId));
    expect(row).toMatch(new RegExp(`^${keyId}\\s+ci-bot\\s+default\\s+write\\s+${secret.slice(0, 10)}\\s+\\S+Z\\s+-$`));
    expect(listed.stdout).not.toContain(secret);

    // The new key works until it is revoked.
    expect((await captureCli(['experiments', 'create', 'by-ci'], { env: { ...env, KEEL_API_KEY: secret } })).code).toBe(0);
    expect(await captureCli(['keys', 'revoke', keyId], { env })).toEqual({ code: 0, stdout: `Revoked key ${keyId}.\n`, stderr: '' });
    const json = await captureCli(['keys', 'list', '--json'], { env });
    const revoked = (JSON.parse(json.stdout) as { id: string; revokedAt: number | null }[]).find((key) => key.id === keyId);
    expect(revoked?.revokedAt).toEqual(expect.any(Number));
    expect((await captureCli(['experiments', 'list'], { env: { ...env, KEEL_API_KEY: secret } })).stderr).toBe('keel: UNAUTHENTICATED: Invalid or revoked API key\n');
    expect((await captureCli(['keys', 'revoke', keyId], { env })).stderr).toBe(`keel: RESOURCE_DOES_NOT_EXIST: No active key with id '${keyId}'\n`);
  });

  it('creates keys in another project with --project, and lists every project with --all', async () => {
    expect((await captureCli(['projects', 'create', 'other'], { env })).code).toBe(0);
    const created = await captureCli(['keys', 'create', '--project', 'other', '--role', 'read', '--json'], { env });
    const parsed = JSON.parse(created.stdout) as { key: { id: string; projectName: string; role: string }; secret: string };
    expect(parsed.key).toMatchObject({ projectName: 'other', role: 'read' });
    expect(parsed.secret).toMatch(/^keel_/);

    const own = JSON.parse((await captureCli(['keys', 'list', '--json'], { env })).stdout) as { id: string }[];
    expect(own.map((key) => key.id)).not.toContain(parsed.key.id);
    const all = JSON.parse((await captureCli(['keys', 'list', '--all', '--json'], { env })).stdout) as { id: string }[];
    expect(all.map((key) => key.id)).toContain(parsed.key.id);
  });

  it('refuses a role that does not exist before calling the server', async () => {
    const result = await captureCli(['keys', 'create', '--role', 'owner'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^keel: BAD_REQUEST: option '--role <role>' argument 'owner' is invalid\. Allowed choices are read, write, admin\./);
  });
});
