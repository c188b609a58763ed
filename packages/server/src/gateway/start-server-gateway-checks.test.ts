import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../server-config.ts';
import { startServer } from '../start-server.ts';

/** What `keel server` checks before it opens anything: the secret key and the config file. */

const homes: string[] = [];
afterEach(async () => {
  for (const home of homes.splice(0)) await rm(home, { recursive: true, force: true });
});
const silent = new Writable({ write: (_chunk, _encoding, callback) => callback() });
const start = async (options: { secretKey?: string; configYaml?: string }) => {
  const home = await mkdtemp(path.join(tmpdir(), 'keel-start-checks-'));
  homes.push(home);
  if (options.configYaml !== undefined) await writeFile(path.join(home, 'keel.config.yaml'), options.configYaml);
  const config = resolveServerConfig({ home, host: '127.0.0.1', port: 0, logLevel: 'silent', ...(options.secretKey === undefined ? {} : { secretKey: options.secretKey }) });
  return { home, started: startServer(config, { onLog: silent, env: {} }) };
};

describe('keel server start', () => {
  it('refuses a KEEL_SECRET_KEY that is not 32 bytes, before creating a database', async () => {
    const { home, started } = await start({ secretKey: 'too-short' });
    await expect(started).rejects.toThrow(/KEEL_SECRET_KEY must be 32 bytes/);
    expect(await readdir(home)).toEqual([]);
  });

  it('refuses an invalid config file, naming the file and the field', async () => {
    const yaml = 'projects:\n  default:\n    gateway:\n      models:\n        - name: chat\n          targets: [{ provider: nobody, model: m }]\n';
    const { home, started } = await start({ configYaml: yaml, secretKey: randomBytes(32).toString('base64') });
    await expect(started).rejects.toThrow(`${path.join(home, 'keel.config.yaml')}: projects.default.gateway.models[0].targets[0].provider: no provider named 'nobody'`);
    expect((await readdir(home)).filter((name) => name.startsWith('keel.db'))).toEqual([]);
  });

  it('generates the secret key file with mode 0600 on first start and reuses it', async () => {
    const { home, started } = await start({});
    const server = await started;
    const file = path.join(home, 'secret.key');
    const first = await stat(file);
    expect(first.mode & 0o777).toBe(0o600);
    await server.close();
    const again = await startServer(resolveServerConfig({ home, host: '127.0.0.1', port: 0, logLevel: 'silent' }), { onLog: silent, env: {} });
    await again.close();
    expect((await stat(file)).mtimeMs).toBe(first.mtimeMs);
  });

  it('writes no credential to the log, even when an object holding one is logged', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'keel-start-checks-'));
    homes.push(home);
    let log = '';
    const capture = new Writable({ write: (chunk: Buffer, _encoding, callback) => { log += chunk.toString(); callback(); } });
    const server = await startServer(resolveServerConfig({ home, host: '127.0.0.1', port: 0, logLevel: 'trace' }), { onLog: capture, env: {} });
    try {
      const adminKey = (JSON.parse(await readFile(path.join(home, 'credentials.json'), 'utf8')) as { api_key: string }).api_key;
      const call = (method: string, route: string, body: unknown) =>
        fetch(`${server.url}${route}`, { method, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await call('PUT', '/api/v1/gateway/config', { providers: [{ name: 'openai', type: 'openai', api_key: 'sk-LOGGED-never' }] })).status).toBe(200);
      const created = (await (await call('POST', '/api/v1/gateway/keys', { name: 'k' })).json()) as { secret: string };
      expect((await call('PUT', '/api/v1/gateway/config', { providers: [{ name: 'x', type: 'nope', api_key: 'sk-LOGGED-bad' }] })).status).toBe(400);
      server.app.log.error({ provider: { name: 'openai', api_key: 'sk-LOGGED-object' }, secret: created.secret, request: { headers: { authorization: 'Bearer sk-LOGGED-header' } } }, 'an object with credentials');
      await server.close();
      expect(log).toContain('an object with credentials');
      expect(log).toContain('[redacted]');
      expect(log).not.toContain('sk-LOGGED');
      expect(log).not.toContain(created.secret);
    } finally {
      await server.close();
    }
  });
});
