import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { LimitStore } from '@keel/spec';
import { createRedisLimitStore } from './create-redis-limit-store.ts';
import type { LimitLoadOrder, LimitLoadReport } from './limit-load-child.ts';

const redisUrl = process.env.KEEL_TEST_REDIS_URL;
const here = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.resolve(here, '../../../..');
const childScript = path.join(here, 'limit-load-child.ts');

interface Child {
  process: ChildProcessWithoutNullStreams;
  lines: AsyncIterator<string>;
  stderr: string[];
}

function startChild(order: LimitLoadOrder): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, JSON.stringify(order)], { cwd: repositoryRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  return { process: child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator](), stderr };
}

async function nextJson(child: Child): Promise<unknown> {
  const line = await child.lines.next();
  if (line.done === true) throw new Error(`child ended early: ${child.stderr.join('')}`);
  return JSON.parse(line.value) as unknown;
}

async function exitCode(child: Child): Promise<number | null> {
  if (child.process.exitCode !== null) return child.process.exitCode;
  return new Promise((resolve) => child.process.once('exit', (code) => resolve(code)));
}

/** The start of the store's current UTC day, by the Redis clock. */
async function probeDay(store: LimitStore): Promise<number | undefined> {
  const result = await store.reserve([{ key: 'probe', window: 'day', limit: 0, amount: 0 }]);
  return result.ok ? result.reserved[0]?.windowStartMs : undefined;
}

if (redisUrl === undefined || redisUrl === '') {
  describe.skip('Redis limit store across processes (skipped: KEEL_TEST_REDIS_URL not set)', () => {
    it('needs a Redis server', () => undefined);
  });
} else {
  const url = redisUrl;
  const runTag = `keel-test:limits-load:${randomUUID()}`;
  afterAll(async () => {
    const raw = new Redis(url);
    const keys = await raw.keys(`{${runTag}}:*`);
    if (keys.length > 0) await raw.del(...keys);
    await raw.quit();
  });

  describe('Redis limit store across processes', () => {
    it('never passes a limit shared by three processes firing 500 reservations each at once', async (context) => {
      const keyPrefix = `{${runTag}}:`;
      const tokens = { key: 'p1:k1:tpd', window: 'day', limit: 3_000 } as const;
      // A second counter with room to spare: all or nothing means it must end equal to the first.
      const requests = { key: 'p1:usd', window: 'month', limit: 1_000_000 } as const;
      const store = await createRedisLimitStore({ url, keyPrefix });
      try {
        const children = [1, 2, 3].map((index) => startChild({ url, keyPrefix, calls: 500, seed: 7_919 * index, maxAmount: 20, counters: [tokens, requests] }));
        const exits = children.map((child) => exitCode(child));
        for (const child of children) expect(await nextJson(child)).toEqual({ ready: true });
        const dayBefore = await probeDay(store);
        for (const child of children) child.process.stdin.write('go\n');
        const reports = (await Promise.all(children.map((child) => nextJson(child)))) as LimitLoadReport[];
        expect(await Promise.all(exits)).toEqual([0, 0, 0]);
        if ((await probeDay(store)) !== dayBefore) context.skip('the run straddled a UTC day edge, so its counts span two windows');

        const grantedSum = reports.reduce((sum, report) => sum + report.grantedSum, 0);
        const [tokenTotal, requestTotal] = await store.read([tokens, requests]);
        expect(grantedSum).toBeLessThanOrEqual(tokens.limit);
        expect(tokenTotal).toBe(grantedSum);
        expect(requestTotal).toBe(grantedSum);
        // About 15,000 was asked for; whatever was refused could not have fitted even at the end.
        const smallestRefused = Math.min(...reports.map((report) => report.smallestRefused ?? Number.POSITIVE_INFINITY));
        expect(grantedSum + smallestRefused).toBeGreaterThan(tokens.limit);

        const start = Math.min(...reports.map((report) => report.firstSentAt));
        const end = Math.max(...reports.map((report) => report.lastAnsweredAt));
        console.info(`limit load: ${reports.length} processes x 500 reservations in ${end - start} ms; granted per process ${reports.map((report) => `${report.granted} (${report.grantedSum})`).join(', ')}; total ${grantedSum} of ${tokens.limit}`);
      } finally {
        await store.close();
      }
    });
  });
}
