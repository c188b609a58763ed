import { randomBytes } from 'node:crypto';
import { link, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

const keyBytes = 32;

function parseKey(text: string, where: string): Buffer {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const bytes = Buffer.from(value.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
    if (bytes.length === keyBytes) return bytes;
  }
  throw new Error(`${where} must be ${keyBytes} bytes written as base64 (44 characters) or hex (64 characters); generate one with: openssl rand -base64 32`);
}

/**
 * The key that encrypts provider credentials at rest: KEEL_SECRET_KEY when set, else
 * `<home>/secret.key`, generated on first start with mode 0600. The file is written under a
 * temporary name and linked into place, so two servers starting at once agree on one key and a
 * crash never leaves half a key behind.
 */
export async function loadSecretKey(options: { home: string; fromEnv?: string | undefined }): Promise<{ key: Buffer; source: 'env' | 'file' | 'generated'; file?: string }> {
  if (options.fromEnv !== undefined && options.fromEnv !== '') return { key: parseKey(options.fromEnv, 'KEEL_SECRET_KEY'), source: 'env' };
  const file = path.join(options.home, 'secret.key');
  const existing = await readKeyFile(file);
  if (existing !== undefined) return { key: existing, source: 'file', file };
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${randomBytes(keyBytes).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
  } catch (error) {
    // Another server created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
  const created = await readKeyFile(file);
  if (created === undefined) throw new Error(`${file} vanished right after it was created`);
  return { key: created, source: 'generated', file };
}

async function readKeyFile(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new Error(`${file} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${file}`);
  return parseKey(text, file);
}
