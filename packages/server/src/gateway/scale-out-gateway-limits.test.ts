import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { GatewayConfigInput } from '@keel/spec';
import { buildKeelBinary, createPostgresTestSchema, type FakeOpenAiServer, type KeelProcess, pollUntil, type PostgresTestSchema, readCredentials, startFakeOpenAiServer, startKeelProcess, startTestServer, type TestServer } from '@keel/testing';

/**
 * Scale-out gateway limits: two `keel server` processes (dist/keel.mjs) on one PostgreSQL schema
 * and one Redis, one fake OpenAI upstream. Concurrent load goes to both processes at once; the
 * rpm, tpm and budget counters are shared through Redis, so together the two processes admit
 * exactly what one would. The server has no Redis key prefix setting: counter keys hold the
 * project id and the key name, so every key name here carries a random tag of this run.
 */

const postgresUrl = process.env.KEEL_TEST_POSTGRES_URL ?? '';
const redisUrl = process.env.KEEL_TEST_REDIS_URL ?? '';
const enabled = postgresUrl !== '' && redisUrl !== '';
const describeScaleOut = enabled ? describe : describe.skip;
const title = enabled
  ? 'scale-out gateway: two keel server processes share limits through one Redis'
  : `scale-out gateway limits (skipped: ${postgresUrl === '' ? 'KEEL_TEST_POSTGRES_URL' : 'KEEL_TEST_REDIS_URL'} is not set)`;
const redisServerAvailable = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** Requests per burst, half to each process. */
const burst = 100;
const run = randomBytes(4).toString('hex');
const keyName = (purpose: string): string => `${purpose}-${run}`;
type ApiError = InstanceType<typeof OpenAI.APIError>;

interface BurstResult {
  granted: number;
  grantedPerServer: [number, number];
  refused: ApiError[];
  /** Anything that failed other than with an API error (a bug in the test or a dropped connection). */
  other: unknown[];
}

/** A row of `GET /api/v1/gateway/usage?group_by=key` (the fields used here). */
interface UsageRow {
  key?: string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

async function callApi(url: string, adminKey: string, method: string, requestPath: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${url}${requestPath}`, { method, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
}

function gatewayConfig(upstream: FakeOpenAiServer): GatewayConfigInput {
  return {
    providers: [{ name: 'openai', type: 'openai', base_url: upstream.baseURL, api_key: 'sk-upstream-secret-value' }],
    models: [{ name: 'gpt-4o-mini', targets: [{ provider: 'openai', model: 'gpt-4o-mini' }] }],
  };
}

/** The Redis clock (what the limit scripts use to pick windows), in epoch ms. */
async function redisNowMs(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/**
 * Waits, by the Redis clock, until at least 10 s remain in the current minute: fixed windows let up
 * to twice a per-minute limit through around a minute edge (limits/README.md), and a burst here
 * takes well under a second. Returns the minute the burst starts in.
 */
async function awayFromMinuteEdge(redis: Redis): Promise<number> {
  const now = await pollUntil('a Redis clock at least 10 s before the next minute', async () => {
    const ms = await redisNowMs(redis);
    return ms % 60_000 < 50_000 ? ms : undefined;
  }, { timeoutMs: 20_000, intervalMs: 100 });
  return Math.floor(now / 60_000);
}

/** The `t` field (total) of every limit counter hash of this key, as `<window>:<req|tok|usd>`. */
async function counters(redis: Redis, name: string): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{keel:limits}:*:k:${name}:*`, 'COUNT', 1000);
    cursor = next;
    // `{keel:limits}:<window>:p<project>:k:<name>:<req|tok|usd>`
    for (const key of keys) found[key.replace('{keel:limits}:', '').replace(new RegExp(`:p\\d+:k:${name}`), '')] = Number(await redis.hget(key, 't'));
  } while (cursor !== '0');
  return found;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function redisAnswers(port: number): Promise<boolean> {
  const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

describeScaleOut(title, () => {
  let schema: PostgresTestSchema | undefined;
  let upstream: FakeOpenAiServer | undefined;
  let redis: Redis | undefined;
  const homes: string[] = [];
  const servers: KeelProcess[] = [];
  const secrets = new Map<string, string>();
  let adminKey = '';

  const clientFor = (server: number, secret: string): OpenAI => new OpenAI({ baseURL: `${servers[server]!.url}/v1`, apiKey: secret, maxRetries: 0, timeout: 30_000 });

  /** `burst` identical requests at once with the key `name`, alternating between the two processes. */
  async function fire(name: string, request: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming): Promise<BurstResult> {
    const secret = secrets.get(name) ?? '';
    const [first, second] = [clientFor(0, secret), clientFor(1, secret)];
    const results = await Promise.allSettled(Array.from({ length: burst }, (_unused, index) => (index % 2 === 0 ? first : second).chat.completions.create(request)));
    const result: BurstResult = { granted: 0, grantedPerServer: [0, 0], refused: [], other: [] };
    results.forEach((settled, index) => {
      if (settled.status === 'fulfilled') {
        result.granted += 1;
        result.grantedPerServer = index % 2 === 0 ? [result.grantedPerServer[0] + 1, result.grantedPerServer[1]] : [result.grantedPerServer[0], result.grantedPerServer[1] + 1];
      } else if (settled.reason instanceof OpenAI.APIError) result.refused.push(settled.reason);
      else result.other.push(settled.reason);
    });
    return result;
  }

  /** The key's usage row once both processes have flushed `requests` requests (each flushes every second). */
  async function usageOnceFlushed(server: number, name: string, requests: number): Promise<UsageRow> {
    let last: unknown;
    try {
      return await pollUntil(`usage of ${name} to reach ${requests} requests`, async () => {
        const answer = await callApi(servers[server]!.url, adminKey, 'GET', '/api/v1/gateway/usage?group_by=key');
        const row = (answer.json as { rows: UsageRow[] }).rows.find((candidate) => candidate.key === name);
        last = row;
        return row !== undefined && row.requests === requests ? row : undefined;
      }, { timeoutMs: 15_000, intervalMs: 100 });
    } catch (error) {
      throw new Error(`${String(error)}; last row: ${JSON.stringify(last)}`);
    }
  }

  function upstreamCalls(marker: string): number {
    return (upstream?.requests ?? []).filter((request) => JSON.stringify(request.body.messages ?? null).includes(marker)).length;
  }

  beforeAll(async () => {
    await buildKeelBinary();
    upstream = await startFakeOpenAiServer();
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    schema = await createPostgresTestSchema(postgresUrl);
    // Processes of one deployment share KEEL_SECRET_KEY, or B cannot decrypt the provider credential A stored.
    const secretKey = randomBytes(32).toString('base64');
    for (let index = 0; index < 2; index += 1) {
      const home = await mkdtemp(path.join(os.tmpdir(), `keel-gateway-scale-out-${index}-`));
      homes.push(home);
      // One after the other: the first start bootstraps the database, the second finds it ready.
      servers.push(await startKeelProcess({ home, env: { KEEL_DATABASE_URL: schema.url, KEEL_REDIS_URL: redisUrl, KEEL_SECRET_KEY: secretKey } }));
    }
    adminKey = (await readCredentials(homes[0]!)).api_key;
    // Configured once, through process A only; process B reads the same document from PostgreSQL.
    const put = await callApi(servers[0]!.url, adminKey, 'PUT', '/api/v1/gateway/config', gatewayConfig(upstream));
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    const keys: [string, Record<string, unknown>][] = [
      [keyName('rpm'), { rpm: 20 }],
      [keyName('budget'), { budget_usd_day: 0.0002 }],
      [keyName('tpm'), { tpm: 600 }],
      [keyName('warm'), {}],
    ];
    for (const [name, limits] of keys) {
      const created = await callApi(servers[0]!.url, adminKey, 'POST', '/api/v1/gateway/keys', { name, limits });
      expect(created.status, JSON.stringify(created.json)).toBe(201);
      secrets.set(name, (created.json as { secret: string }).secret);
    }
    // Both processes warm (gateway document loaded, database and upstream connections open), so that
    // in the bursts they compete for the counters instead of one finishing before the other starts.
    for (const server of [0, 1]) {
      for (let index = 0; index < 3; index += 1) await clientFor(server, secrets.get(keyName('warm')) ?? '').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'warm up' }] });
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop(5_000)));
    await upstream?.close();
    await schema?.drop();
    await Promise.all(homes.map((home) => rm(home, { recursive: true, force: true })));
    if (redis !== undefined) {
      // Only this run's counters: every key name carries the run tag.
      const stale = await redis.keys(`{keel:limits}:*-${run}:*`);
      if (stale.length > 0) await redis.del(...stale);
      await redis.quit();
    }
  });

  test('rpm 20: exactly 20 of 100 concurrent requests through both processes pass, the rest answer 429 with Retry-After', { timeout: 30_000 }, async () => {
    const name = keyName('rpm');
    const marker = `rpm-burst-${run}`;
    const minute = await awayFromMinuteEdge(redis!);
    const result = await fire(name, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `hello ${marker}` }] });
    expect(Math.floor((await redisNowMs(redis!)) / 60_000), 'the burst stayed in one minute window').toBe(minute);

    expect(result.other).toEqual([]);
    // Counters kept per process would admit 20 in each (40 in all): each process receives 50.
    expect(result.granted, `granted per process: ${JSON.stringify(result.grantedPerServer)}`).toBe(20);
    expect(result.refused).toHaveLength(burst - 20);
    for (const error of result.refused) {
      expect({ status: error.status, code: error.code }).toEqual({ status: 429, code: 'rate_limit_exceeded' });
      const retryAfter = Number(error.headers?.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    expect(result.refused[0]?.message).toContain('20 requests per minute');
    expect(upstreamCalls(marker)).toBe(20);
    expect(await counters(redis!, name)).toEqual({ 'minute:req': 20 });
    // Usage written by both processes adds up to the admitted requests, read through either one.
    const row = await usageOnceFlushed(1, name, 20);
    expect(row.errors).toBe(0);
  });

  test('budget_usd_day: concurrent calls through both processes never spend past the budget; the rest answer 429 insufficient_quota', { timeout: 30_000 }, async () => {
    const name = keyName('budget');
    const marker = `budget-burst-${run}`;
    const budgetUsd = 0.0002;
    const minute = await awayFromMinuteEdge(redis!);
    // gpt-4o-mini: $0.15 / $0.60 per million tokens; each call reserves its prompt and max_tokens 10 at that price.
    const result = await fire(name, { model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: `one two three four five six seven ${marker}` }] });
    expect(Math.floor((await redisNowMs(redis!)) / 60_000), 'the burst stayed in one day window').toBe(minute);

    expect(result.other).toEqual([]);
    expect(result.granted, `granted per process: ${JSON.stringify(result.grantedPerServer)}`).toBeGreaterThan(0);
    expect(result.refused.length).toBeGreaterThan(0);
    for (const error of result.refused) expect({ status: error.status, code: error.code }).toEqual({ status: 429, code: 'insufficient_quota' });
    expect(upstreamCalls(marker)).toBe(result.granted);

    const row = await usageOnceFlushed(0, name, result.granted);
    expect(row.cost_usd).toBeGreaterThan(0);
    expect(row.cost_usd).toBeLessThanOrEqual(budgetUsd);
    const { 'day:usd': spentMicros } = await counters(redis!, name);
    expect(spentMicros).toBeLessThanOrEqual(budgetUsd * 1e6);
  });

  test('tpm 600: with max_tokens bounding every reservation, tokens used through both processes stay within the limit', { timeout: 30_000 }, async () => {
    const name = keyName('tpm');
    const marker = `tpm-burst-${run}`;
    const tpm = 600;
    const minute = await awayFromMinuteEdge(redis!);
    const result = await fire(name, { model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: `count these words please ${marker}` }] });
    expect(Math.floor((await redisNowMs(redis!)) / 60_000), 'the burst stayed in one minute window').toBe(minute);

    expect(result.other).toEqual([]);
    expect(result.granted, `granted per process: ${JSON.stringify(result.grantedPerServer)}`).toBeGreaterThan(0);
    expect(result.granted).toBeLessThan(burst);
    for (const error of result.refused) {
      expect({ status: error.status, code: error.code }).toEqual({ status: 429, code: 'rate_limit_exceeded' });
      expect(Number(error.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    expect(result.refused[0]?.message).toContain(`${tpm} tokens per minute`);
    expect(upstreamCalls(marker)).toBe(result.granted);

    const row = await usageOnceFlushed(1, name, result.granted);
    expect(row.input_tokens + row.output_tokens).toBeGreaterThan(0);
    expect(row.input_tokens + row.output_tokens).toBeLessThanOrEqual(tpm);
    const { 'minute:tok': reservedTokens } = await counters(redis!, name);
    expect(reservedTokens).toBeLessThanOrEqual(tpm);
  });

  // In-process, on a Redis of its own that the test stops once the server is up (the server does not start without Redis).
  test.skipIf(!redisServerAvailable)(`when Redis goes away: on_store_error 'closed' answers 503 with Retry-After, 'open' admits the call${redisServerAvailable ? '' : ' (skipped: no redis-server binary)'}`, { timeout: 30_000 }, async () => {
    const port = await freePort();
    const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let server: TestServer | undefined;
    try {
      await pollUntil(`redis-server on port ${port}`, async () => ((await redisAnswers(port)) ? true : undefined), { intervalMs: 50 });
      server = await startTestServer({ redisUrl: `redis://127.0.0.1:${port}` });
      const local = server;
      const configured = await callApi(local.url, local.adminKey, 'PUT', '/api/v1/gateway/config', gatewayConfig(upstream!));
      expect(configured.status, JSON.stringify(configured.json)).toBe(200);
      const issue = async (name: string, limits: Record<string, unknown>): Promise<OpenAI> => {
        const created = await callApi(local.url, local.adminKey, 'POST', '/api/v1/gateway/keys', { name, limits });
        expect(created.status, JSON.stringify(created.json)).toBe(201);
        return new OpenAI({ baseURL: `${local.url}/v1`, apiKey: (created.json as { secret: string }).secret, maxRetries: 0, timeout: 10_000 });
      };
      const closed = await issue('closed', { rpm: 1000 });
      const open = await issue('open', { rpm: 1000, on_store_error: 'open' });
      const ask = (client: OpenAI) => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'are the counters there?' }] });
      // Both pass while Redis answers.
      expect((await ask(closed)).choices).toHaveLength(1);
      expect((await ask(open)).choices).toHaveLength(1);

      child.kill('SIGTERM');
      await exited;
      expect(await redisAnswers(port)).toBe(false);

      const refused = await ask(closed).then(() => null, (error: unknown) => error);
      expect(refused).toBeInstanceOf(OpenAI.APIError);
      const error = refused as ApiError;
      expect(error.status).toBe(503);
      expect(Number(error.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await ask(open)).choices).toHaveLength(1);
    } finally {
      await server?.close();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    }
  });
});
