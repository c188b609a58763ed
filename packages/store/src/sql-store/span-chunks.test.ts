import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KeelStore, SpanRecord } from '@keel/spec';
import { createPostgresTestSchema, type PostgresTestSchema } from '@keel/testing';
import { createPostgresDriver } from '../drivers/postgres-driver.ts';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { createSqliteDriver } from '../drivers/sqlite-driver.ts';
import { createSqlStore } from './create-sql-store.ts';
import { chunkSpanUs } from './span-chunks.ts';

const minuteUs = 60_000_000;
const t0Us = Date.UTC(2025, 0, 1) * 1000;

let spanNumber = 0;
function generation(startUs: number, cost = 1): SpanRecord {
  spanNumber += 1;
  return {
    traceId: spanNumber.toString(16).padStart(32, '0'), spanId: spanNumber.toString(16).padStart(16, '0'), parentSpanId: null, name: 'chat', kind: 'llm',
    startUs, endUs: startUs + 1000, latencyMs: 1, status: 'ok', statusMessage: '', serviceName: 'svc', provider: 'openai', requestModel: 'gpt-4o',
    responseModel: 'gpt-4o', model: 'gpt-4o', input: null, output: null, inputTokens: 1, outputTokens: 1, cachedInputTokens: null, cost, costSource: 'computed',
    timeToFirstTokenMs: null, sessionId: null, userId: null, tags: [], promptName: null, promptVersion: null, gatewayKey: null, mapperVersion: 1,
    raw: {
      otelKind: 2, startTimeUnixNano: `${startUs}000`, endTimeUnixNano: `${startUs + 1000}000`, attributes: {}, events: [], links: [], status: { code: 1, message: '' },
      resource: {}, scope: { name: 'test', version: '1' },
    },
  };
}

interface ChunkRow {
  seqLo: number;
  seqHi: number;
  startLo: number;
  startHi: number;
}

async function chunks(driver: SqlDriver, projectId: number): Promise<ChunkRow[]> {
  const rows = await driver.all('SELECT seq_lo, seq_hi, start_lo, start_hi FROM span_chunks WHERE project_id = ? ORDER BY seq_lo', [projectId]);
  return rows.map((row) => ({ seqLo: Number(row.seq_lo), seqHi: Number(row.seq_hi), startLo: Number(row.start_lo), startHi: Number(row.start_hi) }));
}

/** Every generation of the project has a number no other has, inside the one chunk whose starts cover it. */
async function expectCovered(driver: SqlDriver, projectId: number): Promise<void> {
  const list = await chunks(driver, projectId);
  for (const [index, chunk] of list.entries()) {
    expect(chunk.seqLo).toBeLessThanOrEqual(chunk.seqHi);
    expect(chunk.startHi - chunk.startLo).toBeLessThanOrEqual(chunkSpanUs);
    if (index > 0) expect(chunk.seqLo).toBeGreaterThan(list[index - 1]?.seqHi ?? Number.NaN);
  }
  const spans = await driver.all('SELECT gen_seq, start_us FROM spans WHERE project_id = ? AND model IS NOT NULL', [projectId]);
  expect(new Set(spans.map((row) => Number(row.gen_seq))).size).toBe(spans.length);
  for (const row of spans) {
    const seq = Number(row.gen_seq);
    const start = Number(row.start_us);
    const holders = list.filter((chunk) => chunk.seqLo <= seq && seq <= chunk.seqHi);
    expect(holders).toHaveLength(1);
    expect(holders[0]?.startLo).toBeLessThanOrEqual(start);
    expect(holders[0]?.startHi).toBeGreaterThanOrEqual(start);
  }
}

const count = async (store: KeelStore, projectId: number, fromUs: number, toUs: number): Promise<number> =>
  (await store.aggregate(projectId, { fromUs, toUs, groupBy: 'model' })).reduce((total, row) => total + row.count, 0);

describe('span chunks (ADR 0020)', () => {
  const directories: string[] = [];
  const schemas: PostgresTestSchema[] = [];
  afterAll(async () => {
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
    for (const schema of schemas) await schema.drop();
  });
  async function sqliteStore(): Promise<{ driver: SqlDriver; store: KeelStore }> {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'keel-span-chunks-'));
    directories.push(directory);
    const driver = createSqliteDriver({ filename: path.join(directory, 'keel.db') });
    return { driver, store: await createSqlStore(driver) };
  }

  it('keeps live traffic in a chunk an hour, and a late batch at the bottom without splitting the top', async () => {
    const { driver, store } = await sqliteStore();
    try {
      const p = (await store.createProject('live', 1)).id;
      // Three hours of batches a minute apart, each with spans of the last five minutes, in no order.
      for (let minute = 0; minute < 180; minute += 1) {
        const now = t0Us + minute * minuteUs;
        await store.insertSpans([3, 0, 4, 1, 2].map((back) => ({ projectId: p, span: generation(now - back * minuteUs) })));
      }
      const live = await chunks(driver, p);
      expect(live.length).toBeGreaterThanOrEqual(3);
      expect(live.length).toBeLessThanOrEqual(4);
      // An exporter sends yesterday's spans: they go below, and today's next batch extends the top chunk.
      await store.insertSpans([-1440, -1430].map((minute) => ({ projectId: p, span: generation(t0Us + minute * minuteUs) })));
      await store.insertSpans([{ projectId: p, span: generation(t0Us + 180 * minuteUs) }]);
      await store.insertSpans([-1435].map((minute) => ({ projectId: p, span: generation(t0Us + minute * minuteUs) })));
      const after = await chunks(driver, p);
      expect(after).toHaveLength(live.length + 1);
      expect(after[0]?.seqHi).toBeLessThan(live[0]?.seqLo ?? Number.NaN);
      expect(after.at(-1)?.seqLo).toBe(live.at(-1)?.seqLo);
      await expectCovered(driver, p);
      expect(await count(store, p, t0Us - 2 * 1440 * minuteUs, t0Us + 200 * minuteUs)).toBe(180 * 5 + 4);
      expect(await count(store, p, t0Us - 1436 * minuteUs, t0Us - 1430 * minuteUs)).toBe(1);
      expect(await count(store, p, t0Us + 60 * minuteUs, t0Us + 61 * minuteUs)).toBe(5);
    } finally {
      await store.close();
    }
  });

  it('drops the chunks retention emptied, and numbers again from what is left', async () => {
    const { driver, store } = await sqliteStore();
    try {
      const p = (await store.createProject('retention', 1)).id;
      for (const minute of [0, 90, 200]) await store.insertSpans([{ projectId: p, span: generation(t0Us + minute * minuteUs) }]);
      expect(await chunks(driver, p)).toHaveLength(3);
      expect(await store.deleteSpansBefore(p, t0Us + 100 * minuteUs, 100)).toBe(2);
      expect((await chunks(driver, p)).map((chunk) => chunk.startLo)).toEqual([t0Us + 200 * minuteUs]);
      expect(await store.deleteSpansBefore(p, t0Us + 300 * minuteUs, 100)).toBe(1);
      expect(await chunks(driver, p)).toEqual([]);
      // Nothing is numbered any more: numbering starts over, and finds only the new span.
      await store.insertSpans([{ projectId: p, span: generation(t0Us + 10 * minuteUs, 7) }]);
      await expectCovered(driver, p);
      expect(await store.aggregate(p, { fromUs: t0Us, toUs: t0Us + 400 * minuteUs, groupBy: 'model' })).toMatchObject([{ group: 'gpt-4o', count: 1, cost: 7 }]);
    } finally {
      await store.close();
    }
  });

  const postgresUrl = process.env.KEEL_TEST_POSTGRES_URL;
  it.skipIf(postgresUrl === undefined || postgresUrl === '')('numbers nothing on PostgreSQL, where two servers insert into one project at once', async () => {
    const schema = await createPostgresTestSchema(postgresUrl ?? '');
    schemas.push(schema);
    const drivers = [await createPostgresDriver({ connectionString: schema.url, maxConnections: 4 }), await createPostgresDriver({ connectionString: schema.url, maxConnections: 4 })];
    const [first, second] = [await createSqlStore(drivers[0] as SqlDriver), await createSqlStore(drivers[1] as SqlDriver)];
    try {
      const p = (await first.createProject('two-servers', 1)).id;
      // Both write batches of the same minutes at once, some with old spans.
      const batches = (offset: number) => Array.from({ length: 20 }, (_, batch) =>
        [0, 1, 2, batch % 4 === offset ? 3000 : 3].map((back) => ({ projectId: p, span: generation(t0Us + (batch - back) * minuteUs) })));
      const [a, b] = [batches(0), batches(1)];
      await Promise.all([
        (async () => { for (const batch of a) await first.insertSpans(batch); })(),
        (async () => { for (const batch of b) await second.insertSpans(batch); })(),
      ]);
      expect(await chunks(drivers[0] as SqlDriver, p)).toEqual([]);
      const [numbered] = await (drivers[0] as SqlDriver).all('SELECT COUNT(gen_seq) AS n FROM spans WHERE project_id = ?', [p]);
      expect(Number(numbered?.n)).toBe(0);
      expect(await count(second, p, t0Us - 4000 * minuteUs, t0Us + 100 * minuteUs)).toBe(160);
      expect(await count(first, p, t0Us - 4000 * minuteUs, t0Us - 1000 * minuteUs)).toBe(10);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
