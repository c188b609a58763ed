import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type TestServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureCli } from './capture-cli.ts';

let server: TestServer;
let empty: string;
beforeAll(async () => {
  server = await startTestServer();
  empty = await mkdtemp(path.join(tmpdir(), 'keel-cli-empty-'));
});
afterAll(async () => {
  await server.close();
  await rm(empty, { recursive: true, force: true });
});

describe('keel (in-process)', () => {
  it('explains how to give a key when there is none', async () => {
    const result = await captureCli(['experiments', 'list'], { env: { KEEL_URL: server.url }, cwd: empty });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`keel: UNAUTHENTICATED: No API key: set KEEL_API_KEY, or KEEL_HOME to the folder whose credentials.json \`keel server\` wrote (looked for ${path.join(empty, '.keel', 'credentials.json')})\n`);
  });

  it('reads the key from $KEEL_HOME/credentials.json', async () => {
    const result = await captureCli(['experiments', 'list'], { env: { KEEL_URL: server.url, KEEL_HOME: server.home }, cwd: empty });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+STAGE\s+CREATED$/);
    expect(result.stdout).toContain('Default');
  });

  it('prefers KEEL_API_KEY, and reports a broken credentials file', async () => {
    const home = path.join(empty, 'broken');
    await mkdir(home, { recursive: true });
    await writeFile(path.join(home, 'credentials.json'), '{"project": "default"}');
    const broken = await captureCli(['experiments', 'list'], { env: { KEEL_URL: server.url, KEEL_HOME: home }, cwd: empty });
    expect(broken).toMatchObject({ code: 1, stdout: '' });
    expect(broken.stderr).toMatch(/^keel: INVALID_PARAMETER_VALUE: .*credentials.json is not valid credentials/);

    const fromEnv = await captureCli(['experiments', 'list', '--json'], { env: { KEEL_URL: server.url, KEEL_HOME: home, KEEL_API_KEY: server.adminKey }, cwd: empty });
    expect(fromEnv.code).toBe(0);
    expect((JSON.parse(fromEnv.stdout) as { name: string }[]).map((experiment) => experiment.name)).toContain('Default');
  });

  it('prints API errors as keel: CODE: message with exit code 1', async () => {
    const env = { KEEL_URL: server.url, KEEL_API_KEY: server.adminKey };
    const missing = await captureCli(['runs', 'get', 'no-such-run'], { env });
    expect(missing).toEqual({ code: 1, stdout: '', stderr: "keel: RESOURCE_DOES_NOT_EXIST: Run 'no-such-run' not found\n" });
    const badKey = await captureCli(['experiments', 'list'], { env: { ...env, KEEL_API_KEY: 'keel_wrong' } });
    expect(badKey.stderr).toBe('keel: UNAUTHENTICATED: Invalid or revoked API key\n');
    const unreachable = await captureCli(['experiments', 'list'], { env: { ...env, KEEL_URL: 'http://127.0.0.1:1' }, fetch: () => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })) });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe('keel: TEMPORARILY_UNAVAILABLE: Cannot reach Keel at http://127.0.0.1:1 (ECONNREFUSED)\n');
  }, 60_000);

  it('reports usage errors the same way', async () => {
    const env = { KEEL_URL: server.url, KEEL_API_KEY: server.adminKey };
    const unknown = await captureCli(['runs', 'lizt'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^keel: BAD_REQUEST: unknown command 'lizt'/);
    const badMax = await captureCli(['runs', 'list', '--max', '0'], { env });
    expect(badMax.code).toBe(1);
    expect(badMax.stderr).toMatch(/^keel: BAD_REQUEST: option '--max <n>' argument '0' is invalid/);
    const help = await captureCli(['runs', '--help'], { env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('compare [options] <runIds...>');
  });

  it('acts in another project with --project', async () => {
    const env = { KEEL_URL: server.url, KEEL_API_KEY: server.adminKey };
    const created = await captureCli(['projects', 'create', 'team-cli'], { env });
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Created project team-cli \(id \d+\) with an admin key \(id key_\w+\)\.\nAdmin key secret; it will not be shown again, so store it now:\n {2}keel_\w+\n$/);

    expect((await captureCli(['--project', 'team-cli', 'experiments', 'create', 'team-only'], { env })).stdout).toMatch(/^Created experiment team-only \(id \d+\)\.\n$/);
    const inTeam = await captureCli(['experiments', 'list', '--project', 'team-cli', '--json'], { env });
    expect((JSON.parse(inTeam.stdout) as { name: string }[]).map((experiment) => experiment.name).sort()).toEqual(['Default', 'team-only']);
    const inDefault = await captureCli(['experiments', 'list', '--json'], { env });
    expect((JSON.parse(inDefault.stdout) as { name: string }[]).map((experiment) => experiment.name)).not.toContain('team-only');

    const projects = await captureCli(['projects', 'list'], { env });
    expect(projects.stdout).toMatch(/^ID\s+NAME\s+CREATED\n\s*1\s+default\s+\S+\n\s*2\s+team-cli\s+\S+\n$/);
    const missing = await captureCli(['--project', 'nope', 'experiments', 'list'], { env });
    expect(missing.stderr).toBe("keel: RESOURCE_DOES_NOT_EXIST: No project named 'nope'\n");
  });
});
