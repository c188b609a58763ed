import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
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
});
