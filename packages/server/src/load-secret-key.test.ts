import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSecretKey } from './load-secret-key.ts';

const homes: string[] = [];
const newHome = async () => {
  const home = await mkdtemp(path.join(tmpdir(), 'keel-secret-key-'));
  homes.push(home);
  return home;
};
afterEach(async () => {
  for (const home of homes.splice(0)) await rm(home, { recursive: true, force: true });
});

describe('loadSecretKey', () => {
  it('takes KEEL_SECRET_KEY as base64 or hex and writes no file', async () => {
    const home = await newHome();
    const bytes = randomBytes(32);
    expect((await loadSecretKey({ home, fromEnv: bytes.toString('base64') })).key).toEqual(bytes);
    expect((await loadSecretKey({ home, fromEnv: bytes.toString('hex') })).key).toEqual(bytes);
    expect((await loadSecretKey({ home, fromEnv: ` ${bytes.toString('base64url')}\n` })).key).toEqual(bytes);
    await expect(stat(path.join(home, 'secret.key'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a KEEL_SECRET_KEY of the wrong size or alphabet with a message that says what to do', async () => {
    const home = await newHome();
    for (const bad of [randomBytes(16).toString('base64'), randomBytes(31).toString('hex'), 'not a key at all', `${randomBytes(32).toString('hex')}00`]) {
      await expect(loadSecretKey({ home, fromEnv: bad })).rejects.toThrow(/KEEL_SECRET_KEY must be 32 bytes.*openssl rand -base64 32/);
    }
  });

  it('generates <home>/secret.key with mode 0600 once and reuses it on the next start', async () => {
    const home = await newHome();
    const first = await loadSecretKey({ home });
    expect(first.source).toBe('generated');
    expect(first.key).toHaveLength(32);
    const file = path.join(home, 'secret.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toEqual(first.key);
    const second = await loadSecretKey({ home, fromEnv: '' });
    expect(second).toEqual({ key: first.key, source: 'file', file });
  });

  it('gives every one of several servers starting at once the same key', async () => {
    const home = await newHome();
    const keys = await Promise.all([1, 2, 3, 4, 5].map(() => loadSecretKey({ home })));
    for (const loaded of keys) expect(loaded.key).toEqual(keys[0]?.key);
    expect((await readFile(path.join(home, 'secret.key'), 'utf8')).trim()).toBe(keys[0]?.key.toString('base64'));
  });

  it('refuses a key file that others can read, or that holds no key', async () => {
    const home = await newHome();
    const file = path.join(home, 'secret.key');
    await writeFile(file, randomBytes(32).toString('base64'), { mode: 0o644 });
    await chmod(file, 0o644);
    await expect(loadSecretKey({ home })).rejects.toThrow(/readable by others.*chmod 600/);
    await writeFile(file, 'short', { mode: 0o600 });
    await chmod(file, 0o600);
    await expect(loadSecretKey({ home })).rejects.toThrow(/secret\.key must be 32 bytes/);
  });
});
