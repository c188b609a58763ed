import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '@keel/spec';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { createSqlStore } from '../sql-store/create-sql-store.ts';
import { createInsertSpans } from '../sql-store/trace-insert-spans.ts';
import { migrationTestDrivers } from './migration-test-drivers.ts';
import { runMigrations } from './run-migrations.ts';

const t0Us = Date.UTC(2025, 0, 1) * 1000;
const dayUs = 86_400_000_000;
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

const question = (trace: number): string => `Question ${trace}: why does the "export" button stay grey?\nI waited — still grey. ✓`;
const answer = (trace: number): string => `Answer ${trace}: the export needs the Admin role; ask an owner to grant it under Settings → Members.`;

/**
 * A RAG trace as the mapper stores it: a root with `input.value`/`output.value`, and a chat call whose
 * GenAI message attributes hold the same text as its normalised `input`/`output` columns.
 */
function traceSpans(trace: number, startUs: number): SpanRecord[] {
  const traceId = hex(trace, 32);
  const rootId = hex(trace * 10, 16);
  const system = `You are the support assistant of trace ${trace}. Answer briefly and cite the help centre.`;
  const base = (spanId: string, parentSpanId: string | null, offsetUs: number, attributes: SpanRecord['raw']['attributes']): SpanRecord => ({
    traceId, spanId, parentSpanId, name: parentSpanId === null ? 'POST /chat' : 'chat gpt-4o', kind: parentSpanId === null ? 'chain' : 'llm',
    startUs: startUs + offsetUs, endUs: startUs + offsetUs + 2_000, latencyMs: 2, status: 'ok', statusMessage: '', serviceName: 'support-chat',
    provider: null, requestModel: null, responseModel: null, model: null, input: null, output: null, inputTokens: null, outputTokens: null, cachedInputTokens: null,
    cost: null, costSource: null, timeToFirstTokenMs: null, sessionId: `session-${trace}`, userId: 'user-1', tags: ['beta'], promptName: null, promptVersion: null,
    gatewayKey: null, mapperVersion: 2,
    raw: {
      otelKind: 1, startTimeUnixNano: `${startUs + offsetUs}000`, endTimeUnixNano: `${startUs + offsetUs + 2_000}000`, attributes, events: [], links: [],
      status: { code: 1, message: '' }, resource: { 'service.name': 'support-chat' }, scope: { name: 'test', version: '1' },
    },
  });
  const root = { ...base(rootId, null, 0, { 'input.value': question(trace), 'output.value': answer(trace), 'http.route': '/chat' }), input: JSON.stringify(question(trace)), output: JSON.stringify(answer(trace)) };
  const messagesIn = [{ role: 'system', content: system }, { role: 'user', content: question(trace) }];
  const messagesOut = [{ role: 'assistant', content: answer(trace) }];
  const chat = {
    ...base(hex(trace * 10 + 1, 16), rootId, 100, {
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.input.messages': JSON.stringify(messagesIn.map(({ role, content }) => ({ role, parts: [{ type: 'text', content }] }))),
      'gen_ai.output.messages': JSON.stringify(messagesOut.map(({ role, content }) => ({ role, parts: [{ type: 'text', content }], finish_reason: 'stop' }))),
      'gen_ai.usage.input_tokens': 40,
    }),
    provider: 'openai', requestModel: 'gpt-4o', responseModel: 'gpt-4o', model: 'gpt-4o', inputTokens: 40, outputTokens: 20, cost: 0.25, costSource: 'computed' as const,
    input: JSON.stringify(messagesIn), output: JSON.stringify(messagesOut),
  };
  return [root, chat];
}

const byStart = (spans: readonly SpanRecord[]): SpanRecord[] => [...spans].sort((a, b) => a.startUs - b.startUs || (a.spanId < b.spanId ? -1 : 1));

async function indexNames(driver: SqlDriver): Promise<string[]> {
  const rows = driver.dialect === 'sqlite'
    ? await driver.all("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'spans'")
    : await driver.all("SELECT indexname AS name FROM pg_indexes WHERE tablename = 'spans' AND schemaname = current_schema()");
  return rows.map((row) => String(row.name)).sort();
}

async function checkMigration(driver: SqlDriver): Promise<void> {
  expect((await runMigrations(driver, () => 1, 7)).at(-1)).toBe(7);
  expect(await indexNames(driver)).toContain('spans_by_start');
  await driver.run("INSERT INTO projects (name, created_at) VALUES ('spans-8', 1)");
  const [project] = await driver.all<{ id: number }>("SELECT id FROM projects WHERE name = 'spans-8'");
  const projectId = Number(project?.id);

  // Spans as the store wrote them before: raw text whole (the insert of today, with raw put back as it was stored).
  // Today's insert writes generation_daily in the shape of migration 13, so it inserts them without a
  // model, and the model and the daily row (per user, as migration 4 kept them) are put back too.
  // It also names `gen_seq` (migration 14), so that column is there for it and dropped after.
  const old = [1, 2, 3, 4].flatMap((trace) => traceSpans(trace, t0Us + trace * dayUs));
  await driver.run('ALTER TABLE spans ADD COLUMN gen_seq BIGINT');
  await createInsertSpans(driver)(old.map((span) => ({ projectId, span: { ...span, model: null } })));
  await driver.run('ALTER TABLE spans DROP COLUMN gen_seq');
  for (const span of old) {
    await driver.run('UPDATE spans SET raw = ?, model = ? WHERE project_id = ? AND trace_id = ? AND span_id = ?', [JSON.stringify(span.raw), span.model, projectId, span.traceId, span.spanId]);
    if (span.model === null) continue;
    await driver.run(
      'INSERT INTO generation_daily (project_id, day, model, provider, user_id, prompt_name, prompt_version, generations, input_tokens, output_tokens, cost) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)',
      [projectId, Math.floor(span.startUs / dayUs), span.model, span.provider ?? '', span.userId ?? '', '', -1, span.inputTokens ?? 0, span.outputTokens ?? 0, span.cost ?? 0],
    );
  }

  expect(await runMigrations(driver, () => 2, 8)).toEqual([8]);
  expect(await indexNames(driver)).not.toContain('spans_by_start');
  const store = await createSqlStore(driver);

  // Stored before: read back exactly as written.
  for (const trace of [1, 2, 3, 4]) {
    const read = await store.getTraceSpans(projectId, hex(trace, 32));
    expect(read).toEqual(byStart(old.filter((span) => span.traceId === hex(trace, 32))));
    expect(read.map((span) => JSON.stringify(span.raw))).toEqual(byStart(old.filter((span) => span.traceId === hex(trace, 32))).map((span) => JSON.stringify(span.raw)));
  }

  // Stored after: the message text is held once (raw is shorter than the whole raw JSON), and reads back exactly.
  const fresh = [5, 6].flatMap((trace) => traceSpans(trace, t0Us + trace * dayUs));
  await store.insertSpans(fresh.map((span) => ({ projectId, span })));
  const stored = await driver.all('SELECT span_id, raw FROM spans WHERE project_id = ? AND trace_id IN (?, ?)', [projectId, hex(5, 32), hex(6, 32)]);
  expect(stored).toHaveLength(4);
  for (const row of stored) {
    const span = fresh.find((candidate) => candidate.spanId === String(row.span_id));
    expect(JSON.stringify(span?.raw)).toContain('the export needs the Admin role');
    expect(String(row.raw)).not.toContain('the export needs the Admin role');
    expect(String(row.raw).length).toBeLessThan(JSON.stringify(span?.raw).length);
  }
  for (const trace of [5, 6]) expect(await store.getTraceSpans(projectId, hex(trace, 32))).toEqual(byStart(fresh.filter((span) => span.traceId === hex(trace, 32))));

  // An exporter's retry of old and new spans adds nothing.
  await store.insertSpans([...old, ...fresh].map((span) => ({ projectId, span })));
  const [count] = await driver.all('SELECT COUNT(*) AS n FROM spans WHERE project_id = ?', [projectId]);
  expect(Number(count?.n)).toBe(12);
  // The daily sums of the old spans (kept per user until migration 13) and of the new ones add up.
  expect(await store.costTotals(projectId, { fromUs: t0Us, toUs: t0Us + 10 * dayUs, groupBy: ['model'] })).toEqual([{ groups: ['gpt-4o'], count: 6, inputTokens: 240, outputTokens: 120, cost: 1.5 }]);
  const page = await store.listTraces(projectId, { fromUs: t0Us, toUs: t0Us + 10 * dayUs, limit: 10 });
  expect(page.items.map((trace) => [trace.traceId, trace.spanCount, trace.input])).toEqual([6, 5, 4, 3, 2, 1].map((trace) => [hex(trace, 32), 2, JSON.stringify(question(trace))]));

  // Retention without the index by start: spans of traces 1 to 3, oldest first, in chunks; trace 4 on is kept.
  expect(await store.deleteSpansBefore(projectId, t0Us + 4 * dayUs, 3)).toBe(3);
  expect(await store.deleteSpansBefore(projectId, t0Us + 4 * dayUs, 100)).toBe(3);
  expect(await store.deleteSpansBefore(projectId, t0Us + 4 * dayUs, 100)).toBe(0);
  const left = await store.listTraces(projectId, { fromUs: t0Us, toUs: t0Us + 10 * dayUs, limit: 10 });
  expect(left.items.map((trace) => trace.traceId)).toEqual([6, 5, 4].map((trace) => hex(trace, 32)));
  // A span that started before the cut in a trace that goes on past it: that span alone is deleted.
  const late = traceSpans(7, t0Us + 7 * dayUs);
  const [lateRoot, lateChat] = late;
  if (lateRoot === undefined || lateChat === undefined) throw new Error('trace 7 has two spans');
  await store.insertSpans([{ projectId, span: { ...lateRoot, startUs: t0Us + 7 * dayUs - 10, endUs: t0Us + 7 * dayUs + 5_000 } }, { projectId, span: lateChat }]);
  expect(await store.deleteSpansBefore(projectId, t0Us + 7 * dayUs, 100)).toBe(7);
  expect((await store.getTraceSpans(projectId, hex(7, 32))).map((span) => span.spanId)).toEqual([lateChat.spanId]);
  expect((await store.getTraceSpans(projectId, hex(6, 32))).length).toBe(0);
}

describe('migration 8: span storage', () => {
  const drivers = migrationTestDrivers('migration-8');

  it('keeps spans stored before it readable as they were, on SQLite', async () => {
    await checkMigration(drivers.sqlite());
  });

  it('keeps spans stored before it readable as they were, on PGlite', async () => {
    await checkMigration(await drivers.pglite());
  });

  it.skipIf(drivers.postgresUrl === undefined)('keeps spans stored before it readable as they were, on PostgreSQL', async () => {
    await checkMigration(await drivers.postgres());
  });
});
