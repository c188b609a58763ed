import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '@keel/spec';
import { createSqliteDriver } from '../drivers/sqlite-driver.ts';
import { createSqlStore } from './create-sql-store.ts';
import { packProjectSpan } from './trace-span-row.ts';

const t0Us = Date.UTC(2025, 0, 1) * 1000;
const question = 'What does the retention job delete, and when does it run each day?';
const answer = 'It deletes spans older than the project retention, once an hour.';
const input = JSON.stringify([{ role: 'user', content: question }]);
const output = JSON.stringify([{ role: 'assistant', content: answer }]);

function chat(id: number, traceHex: string): SpanRecord {
  const startUs = t0Us + id * 1000;
  return {
    traceId: traceHex, spanId: id.toString(16).padStart(16, '0'), parentSpanId: null, name: `chat ${id}`, kind: 'llm', startUs, endUs: startUs + 500, latencyMs: 0.5,
    status: 'ok', statusMessage: '', serviceName: 'svc', provider: 'openai', requestModel: 'gpt-4o', responseModel: 'gpt-4o', model: 'gpt-4o',
    inputTokens: 12, outputTokens: 7, cachedInputTokens: null, cost: 0.001 * id, costSource: 'computed', timeToFirstTokenMs: null,
    sessionId: 's', userId: 'u', tags: [], promptName: null, promptVersion: null, gatewayKey: null, mapperVersion: 1, input, output,
    raw: {
      otelKind: 3, startTimeUnixNano: `${startUs}000`, endTimeUnixNano: `${startUs + 500}000`,
      attributes: { 'gen_ai.input.messages': input, 'gen_ai.output.messages': output, 'gen_ai.request.model': 'gpt-4o', big: '9007199254740993' },
      events: [], links: [], status: { code: 1, message: '' }, resource: { 'service.name': 'svc' }, scope: { name: 'test', version: '1' },
    },
  };
}

describe('insertSpans with rows whose raw record was packed by the caller (ADR 0018)', () => {
  it('stores them as it stores whole records: the same spans, summaries and costs read back', async () => {
    const trace = (n: number): string => n.toString(16).padStart(32, '0');
    const spans = [chat(1, trace(1)), chat(2, trace(1)), chat(3, trace(2))];
    const results = [];
    for (const mode of ['whole', 'packed', 'mixed'] as const) {
      const store = await createSqlStore(createSqliteDriver({ filename: ':memory:' }));
      try {
        const { id } = await store.createProject(`p-${mode}`, 0);
        const rows = spans.map((span, index) => (mode === 'whole' || (mode === 'mixed' && index === 1) ? { projectId: id, span } : packProjectSpan({ projectId: id, span })));
        await store.insertSpans(rows);
        // A retry of a packed row is skipped like any other.
        await store.insertSpans([packProjectSpan({ projectId: id, span: spans[0] as SpanRecord })]);
        const stored = [...(await store.getTraceSpans(id, trace(1))), ...(await store.getTraceSpans(id, trace(2)))];
        const listed = await store.listTraces(id, { fromUs: t0Us - 1, toUs: t0Us + 1_000_000, limit: 10 });
        results.push({ stored, traces: listed.items.map(({ traceId, spanCount, cost, inputTokens }) => ({ traceId, spanCount, cost, inputTokens })) });
      } finally {
        await store.close();
      }
    }
    expect(results[0]?.stored).toEqual(spans);
    expect(results[0]?.traces).toEqual([
      { traceId: trace(2), spanCount: 1, cost: 0.003, inputTokens: 12 },
      { traceId: trace(1), spanCount: 2, cost: 0.003, inputTokens: 24 },
    ]);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});
