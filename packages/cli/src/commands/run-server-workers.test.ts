import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKeelBinary, type FakeOpenAiServer, gatewayAdmin, keelBinaryPath, type KeelProcess, readCredentials, repositoryRoot, startFakeOpenAiServer, startKeelProcess } from '@keel/testing';

const redisUrl = process.env.KEEL_TEST_REDIS_URL;
const homes: string[] = [];

async function newHome(): Promise<string> {
  const home = await mkdtemp(path.join(tmpdir(), 'keel-workers-'));
  homes.push(home);
  return home;
}

beforeAll(async () => {
  await buildKeelBinary();
}, 120_000);

afterAll(async () => {
  for (const home of homes) await rm(home, { recursive: true, force: true });
});

describe('keel server --workers', () => {
  it('refuses to start several workers without Redis, saying why', async () => {
    const home = await newHome();
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('KEEL_')));
    const child = spawn(process.execPath, [keelBinaryPath, 'server', '--workers', '2'], { cwd: repositoryRoot, env: { ...inherited, KEEL_HOME: home, KEEL_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(2);
    expect(output).toContain('needs KEEL_REDIS_URL');
  });

  describe.skipIf(redisUrl === undefined)('with Redis (KEEL_TEST_REDIS_URL)', () => {
    let keel: KeelProcess;
    let upstream: FakeOpenAiServer;
    // A prefix of its own keeps this deployment's counters apart from any other on the same Redis.
    const prefix = `workers-test-${randomBytes(4).toString('hex')}`;

    beforeAll(async () => {
      upstream = await startFakeOpenAiServer();
      keel = await startKeelProcess({ home: await newHome(), env: { KEEL_WORKERS: '2', KEEL_REDIS_URL: redisUrl ?? '', KEEL_REDIS_PREFIX: prefix } });
      await keel.waitForOutput(/keel server ready[\s\S]*keel server ready/);
    }, 60_000);

    afterAll(async () => {
      await keel?.stop();
      await upstream?.close();
    });

    it('serves from two worker processes on one port, sharing the gateway limits, and stops them all on SIGTERM', async () => {
      const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(keel.child.pid)], { encoding: 'utf8' }).trim().split(/\s+/).filter((pid) => pid !== '');
      expect(children).toHaveLength(2);
      const urls = [...keel.output().matchAll(/"url":"([^"]+)"/g)].map((match) => match[1]);
      expect(new Set(urls).size, 'both workers listen on the same address').toBe(1);
      // The primary prints one web UI sign-in link that every worker accepts.
      const link = /web UI sign-in: (\S+)/.exec(keel.output())?.[1];
      expect(link).toMatch(new RegExp(`^${keel.url.replace(/[.]/g, '\\.')}/sign-in#token=`));
      const redeemed = await fetch(`${keel.url}/api/v1/ui/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: new URL(link ?? '').hash.slice('#token='.length) }) });
      expect(redeemed.status).toBe(200);
      const { apiKey } = (await redeemed.json()) as { apiKey: string };
      expect((await fetch(`${keel.url}/api/v1/projects`, { headers: { authorization: `Bearer ${apiKey}` } })).status).toBe(200);

      const admin = gatewayAdmin(keel.url, (await readCredentials(keel.home)).api_key);
      await admin.configure({ providers: [{ name: 'fake', type: 'openai', base_url: upstream.baseURL, api_key: 'sk-x' }], models: [{ name: 'chat', targets: [{ provider: 'fake', model: 'gpt-4o-mini' }] }] });
      // Counter keys hold the project id and key name: a fresh name keeps runs apart on a shared Redis.
      const secret = await admin.createKey(`workers-${randomBytes(4).toString('hex')}`, { limits: { rpm: 10 } });
      const openai = new OpenAI({ baseURL: `${keel.url}/v1`, apiKey: secret, maxRetries: 0 });
      const results = await Promise.allSettled(Array.from({ length: 40 }, () => openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] })));
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
      expect(results.filter((result) => result.status === 'rejected').every((result) => (result.reason as { status?: number }).status === 429)).toBe(true);
      const redis = new Redis(redisUrl ?? '');
      try {
        const keys = await redis.keys(`{${prefix}:limits}:*`);
        expect(keys.some((key) => key.endsWith(':req'))).toBe(true);
        await redis.del(...keys);
      } finally {
        redis.disconnect();
      }

      const exit = await keel.kill('SIGTERM');
      expect(exit.code).toBe(0);
      for (const pid of children) expect(() => process.kill(Number(pid), 0), `worker ${pid} is gone`).toThrow();
    }, 60_000);
  });
});
