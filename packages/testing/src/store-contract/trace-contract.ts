import { describe, expect, it } from 'vitest';
import type { KeelStore, SpanRecord, TraceListQuery, TraceSummary } from '@keel/spec';
import { collectPages, expectCode, newProject, type OpenStore, useStore } from './contract-helpers.ts';
import { dayUs, generation, inProject, msUs, span, spanHex, t0Us, traceHex } from './trace-fixtures.ts';

const window = { fromUs: t0Us - dayUs, toUs: t0Us + 30 * dayUs };

async function list(store: KeelStore, projectId: number, filter: Partial<TraceListQuery> = {}): Promise<TraceSummary[]> {
  return collectPages((pageToken) => store.listTraces(projectId, { ...window, limit: 1_000, ...filter, pageToken }), filter.limit ?? 1_000);
}

const ids = (traces: readonly TraceSummary[]): string[] => traces.map((trace) => trace.traceId);

/** Five traces with distinct features, for the filter tests. Trace n starts n seconds after t0. */
function filterFixture(): SpanRecord[] {
  const second = 1_000_000;
  return [
    // 1: ok, gpt-4o, alice, session s1, tag "prod", slow (3 s), input mentions "Weather 100%_done".
    span(1, 10, { name: 'chat', start: second, end: 4 * second, status: 'ok', userId: 'alice', sessionId: 's1', tags: ['prod'], input: JSON.stringify('What is the Weather 100%_done?') }),
    generation(1, 11, { parentSpanId: spanHex(10), start: second + 10, end: second + 20, cost: 2, model: 'gpt-4o' }),
    // 2: error in a child, claude, bob, tag "x\"a" (which contains the text "a" in quotes).
    span(2, 20, { name: 'chat', start: 2 * second, end: 2 * second + 50 * msUs, userId: 'bob', tags: ['x"a'] }),
    generation(2, 21, { parentSpanId: spanHex(20), start: 2 * second + 1, end: 2 * second + 2, status: 'error', model: 'claude-3', cost: 0.25, output: JSON.stringify('done_100') }),
    // 3: unset, no model, tag "a" on a child span, session s1.
    span(3, 30, { name: 'retrieve', start: 3 * second, end: 3 * second + 10, sessionId: 's1' }),
    span(3, 31, { parentSpanId: spanHex(30), start: 3 * second + 1, end: 3 * second + 2, tags: ['a', 'b'] }),
    // 4: ok, gpt-4o-mini (a prefix of no other model, and gpt-4o is not its prefix match), output with a quote.
    span(4, 40, { name: 'agent', start: 4 * second, end: 4 * second + 10, status: 'ok', output: JSON.stringify('He said "HELLO"') }),
    generation(4, 41, { parentSpanId: spanHex(40), start: 4 * second + 1, end: 4 * second + 2, model: 'gpt-4o-mini', cost: 1 }),
    // 5: ok and error spans: error wins.
    span(5, 50, { name: 'agent', start: 5 * second, end: 5 * second + 10, status: 'ok' }),
    span(5, 51, { parentSpanId: spanHex(50), start: 5 * second + 1, end: 5 * second + 2, status: 'error' }),
  ];
}

export function describeTraceContract(open: OpenStore): void {
  describe('traces: ingest and spans', () => {
    const store = useStore(open);

    it('stores spans losslessly and returns a trace ordered by start', async () => {
      const p = await newProject(store(), 'trace-roundtrip');
      const root = span(1, 1, { start: 0, end: 5000, name: 'root', status: 'ok', userId: 'u', sessionId: 's', tags: ['a', 'b'], input: '[{"role":"user","content":"hi"}]', output: '"hello"' });
      const child = generation(1, 2, { parentSpanId: spanHex(1), start: 100, end: 900, cachedInputTokens: 3, timeToFirstTokenMs: 12.5, promptName: 'p', promptVersion: 2, costSource: 'provided' });
      const sibling = span(1, 3, { parentSpanId: spanHex(1), start: 50, end: 60, status: 'error', statusMessage: 'boom', kind: 'tool' });
      await store().insertSpans(inProject(p, [child, root, sibling]));
      expect(await store().getTraceSpans(p, traceHex(1))).toEqual([root, sibling, child]);
      expect(await store().getTraceSpans(p, traceHex(99))).toEqual([]);
      const other = await newProject(store(), 'trace-roundtrip-other');
      expect(await store().getTraceSpans(other, traceHex(1))).toEqual([]);
    });

    it('skips spans already stored, within a batch and across batches, counting each once', async () => {
      const p = await newProject(store(), 'trace-duplicates');
      const spans = [span(1, 1, { start: 0, end: 100 }), generation(1, 2, { parentSpanId: spanHex(1), start: 10, end: 20, cost: 1.5 })];
      await store().insertSpans(inProject(p, [...spans, spans[1] as SpanRecord]));
      await store().insertSpans(inProject(p, spans));
      // A retry mixed with a new span: only the new one counts.
      await store().insertSpans(inProject(p, [...spans, generation(1, 3, { parentSpanId: spanHex(1), start: 30, end: 40, cost: 0.25 })]));
      // A retry that carries different content for a stored id is still skipped.
      await store().insertSpans(inProject(p, [{ ...(spans[0] as SpanRecord), name: 'changed' }]));
      expect((await store().getTraceSpans(p, traceHex(1))).map((record) => [record.spanId, record.name])).toEqual([
        [spanHex(1), 'span-1'], [spanHex(2), 'span-2'], [spanHex(3), 'span-3'],
      ]);
      const [trace] = await list(store(), p);
      expect(trace).toMatchObject({ spanCount: 3, cost: 1.75, inputTokens: 20, outputTokens: 10 });
    });

    it('keeps the summary exact under concurrent batches that overlap', async () => {
      const p = await newProject(store(), 'trace-concurrent');
      const spans = Array.from({ length: 60 }, (_, index) => generation(1 + (index % 3), 100 + index, { start: index * 10, end: index * 10 + 5, cost: 0.5, inputTokens: 1, outputTokens: 2 }));
      // Eight batches over the same three traces; every span is sent twice.
      const batches = Array.from({ length: 8 }, (_, batch) => spans.filter((_, index) => index % 4 === batch % 4));
      await Promise.all(batches.map((batch) => store().insertSpans(inProject(p, batch))));
      const traces = await list(store(), p);
      expect(traces.map((trace) => [trace.traceId, trace.spanCount, trace.cost, trace.inputTokens, trace.outputTokens]).sort()).toEqual([
        [traceHex(1), 20, 10, 20, 40], [traceHex(2), 20, 10, 20, 40], [traceHex(3), 20, 10, 20, 40],
      ]);
    });

    it('summarises a trace whose spans arrive in several batches, children first', async () => {
      const p = await newProject(store(), 'trace-summary');
      await store().insertSpans(inProject(p, [
        generation(7, 2, { parentSpanId: spanHex(1), start: 200, end: 700, model: 'gpt-4o', inputTokens: 100, outputTokens: 20, cost: 0.125, tags: ['b', 'c'], userId: 'zed' }),
        span(7, 3, { parentSpanId: spanHex(1), start: 100, end: 150, name: 'orphan-child', sessionId: 'sess' }),
      ]));
      let [trace] = await list(store(), p);
      // No parentless span yet: the earliest span names the trace.
      expect(trace).toMatchObject({ name: 'orphan-child', startUs: t0Us + 100, endUs: t0Us + 700, spanCount: 2, status: 'unset' });
      await store().insertSpans(inProject(p, [
        span(7, 1, { start: 50, end: 2050, name: 'root', status: 'ok', tags: ['a', 'b'], userId: 'amy', input: '"question"', output: '"answer"' }),
        generation(7, 4, { parentSpanId: spanHex(1), start: 800, end: 900, model: 'claude-3', provider: 'anthropic', inputTokens: 1, outputTokens: 2, cost: 0.5, status: 'error' }),
      ]));
      [trace] = await list(store(), p);
      expect(trace).toEqual({
        traceId: traceHex(7), name: 'root', startUs: t0Us + 50, endUs: t0Us + 2050, latencyMs: 2, status: 'error',
        userId: 'amy', sessionId: 'sess', tags: ['a', 'b', 'c'], models: ['claude-3', 'gpt-4o'],
        inputTokens: 101, outputTokens: 22, cost: 0.625, spanCount: 4, input: '"question"', output: '"answer"',
      });
      // Two parentless spans: the earlier one is the root, whichever arrived first.
      await store().insertSpans(inProject(p, [span(7, 5, { start: 10, end: 20, name: 'earlier-root' })]));
      [trace] = await list(store(), p);
      expect(trace).toMatchObject({ name: 'earlier-root', startUs: t0Us + 10, input: null, output: null });
    });
  });

  describe('traces: listing', () => {
    const store = useStore(open);

    it('filters by every field, alone and combined', async () => {
      const p = await newProject(store(), 'trace-filters');
      await store().insertSpans(inProject(p, filterFixture()));
      const cases: [Partial<TraceListQuery>, number[]][] = [
        [{}, [5, 4, 3, 2, 1]],
        [{ name: 'chat' }, [2, 1]],
        [{ name: 'span-11' }, []],
        [{ userId: 'alice' }, [1]],
        [{ sessionId: 's1' }, [3, 1]],
        [{ model: 'gpt-4o' }, [1]],
        [{ model: 'gpt-4o-mini' }, [4]],
        [{ model: 'gpt' }, []],
        [{ status: 'error' }, [5, 2]],
        [{ status: 'ok' }, [4, 1]],
        [{ status: 'unset' }, [3]],
        [{ tag: 'a' }, [3]],
        [{ tag: 'x"a' }, [2]],
        [{ tag: 'prod' }, [1]],
        [{ tag: 'pro' }, []],
        [{ minLatencyMs: 50 }, [2, 1]],
        [{ minLatencyMs: 50.001 }, [1]],
        [{ minCost: 1 }, [4, 1]],
        [{ minCost: 0.25 }, [4, 2, 1]],
        [{ text: 'weather' }, [1]],
        [{ text: '100%_' }, [1]],
        [{ text: '%' }, [1]],
        [{ text: '_' }, [2, 1]],
        [{ text: 'said "hello"' }, [4]],
        [{ text: 'DONE' }, [2, 1]],
        [{ text: 'nowhere' }, []],
        [{ name: 'chat', status: 'error' }, [2]],
        [{ sessionId: 's1', minLatencyMs: 1000 }, [1]],
        [{ model: 'gpt-4o', text: 'done', tag: 'prod', userId: 'alice' }, [1]],
      ];
      for (const [filter, expected] of cases) {
        expect([filter, ids(await list(store(), p, filter))]).toEqual([filter, expected.map(traceHex)]);
      }
    });

    it('applies the window to the trace start, from inclusive to exclusive', async () => {
      const p = await newProject(store(), 'trace-window');
      // Trace 1 starts before the window and ends in it; trace 3 starts at its end.
      await store().insertSpans(inProject(p, [span(1, 1, { start: 0, end: 5000 }), span(2, 2, { start: 1000, end: 1001 }), span(3, 3, { start: 2000, end: 2001 })]));
      expect(ids(await list(store(), p, { fromUs: t0Us + 1, toUs: t0Us + 2000 }))).toEqual([traceHex(2)]);
      expect(ids(await list(store(), p, { fromUs: t0Us, toUs: t0Us + 2001 }))).toEqual([traceHex(3), traceHex(2), traceHex(1)]);
    });

    it('pages newest first without gaps or repeats, ties on start included', async () => {
      const p = await newProject(store(), 'trace-pages');
      // 30 traces, three per start time, inserted in a scrambled order.
      const spans = Array.from({ length: 30 }, (_, index) => span(((index * 7) % 30) + 1, index + 1, { start: Math.floor(((index * 7) % 30) / 3) * 1000, status: index % 2 === 0 ? 'ok' : 'unset' }));
      await store().insertSpans(inProject(p, spans));
      const all = await list(store(), p);
      expect(all).toHaveLength(30);
      const expected = [...all].sort((a, b) => b.startUs - a.startUs || (a.traceId < b.traceId ? 1 : -1));
      expect(ids(all)).toEqual(ids(expected));
      for (const pageSize of [1, 4, 7, 30]) {
        expect(ids(await list(store(), p, { limit: pageSize }))).toEqual(ids(expected));
      }
      const ok = await list(store(), p, { limit: 4, status: 'ok' });
      expect(ids(ok)).toEqual(ids(expected.filter((trace) => trace.status === 'ok')));
      expect(ok).toHaveLength(15);
    });

    it('rejects a page token that is not one', async () => {
      const p = await newProject(store(), 'trace-bad-token');
      await expectCode(store().listTraces(p, { ...window, limit: 5, pageToken: 'not-a-token' }), 'INVALID_PARAMETER_VALUE');
      await expectCode(store().getSessionTraces(p, 's', { limit: 5, pageToken: Buffer.from('{"at":"x"}').toString('base64url') }), 'INVALID_PARAMETER_VALUE');
    });

    it('never shows one project the spans, traces or sessions of another', async () => {
      const a = await newProject(store(), 'trace-isolation-a');
      const b = await newProject(store(), 'trace-isolation-b');
      // The same trace and span ids in both projects are different spans.
      await store().insertSpans([
        ...inProject(a, [span(1, 1, { name: 'a-root', sessionId: 'shared', userId: 'u' }), generation(2, 2, { sessionId: 'shared' })]),
        ...inProject(b, [span(1, 1, { name: 'b-root', start: 10, end: 20 })]),
      ]);
      expect((await list(store(), b)).map((trace) => trace.name)).toEqual(['b-root']);
      expect((await store().getTraceSpans(b, traceHex(1))).map((record) => record.name)).toEqual(['b-root']);
      expect(await store().getTraceSpans(b, traceHex(2))).toEqual([]);
      expect((await store().listSessions(b, { ...window, limit: 10 })).items).toEqual([]);
      expect((await store().getSessionTraces(b, 'shared', { limit: 10 })).items).toEqual([]);
      expect(await store().aggregate(b, { ...window, groupBy: 'model' })).toEqual([]);
      expect((await list(store(), a)).map((trace) => trace.name).sort()).toEqual(['a-root', 'span-2']);
      await expectCode(store().createScore(b, { traceId: traceHex(2), spanId: null, name: 'q', dataType: 'numeric', value: 1, label: null, source: 'api', comment: '', author: 'k' }, 'score-iso', 1), 'RESOURCE_DOES_NOT_EXIST');
      await store().createScore(a, { traceId: traceHex(1), spanId: null, name: 'q', dataType: 'numeric', value: 1, label: null, source: 'api', comment: '', author: 'k' }, 'score-iso-a', 1);
      expect(await store().listScores(b, traceHex(1))).toEqual([]);
      expect(await store().listScores(a, traceHex(1))).toHaveLength(1);
    });
  });

  describe('traces: sessions', () => {
    const store = useStore(open);

    it('lists sessions by latest activity with their figures, and pages through them', async () => {
      const p = await newProject(store(), 'trace-sessions');
      await store().insertSpans(inProject(p, [
        // Session "s-a": two traces by two users.
        generation(1, 1, { sessionId: 's-a', userId: 'ann', start: 0, end: 100, inputTokens: 1, outputTokens: 2, cost: 0.5 }),
        generation(2, 2, { sessionId: 's-a', userId: 'ben', start: 1000, end: 5000, inputTokens: 3, outputTokens: 4, cost: 0.25 }),
        // Session "s-b": one trace, ends last.
        span(3, 3, { sessionId: 's-b', userId: 'ann', start: 500, end: 9000 }),
        // Session "s-c": ends at the same time as "s-b" (ties order by id, descending).
        span(4, 4, { sessionId: 's-c', start: 600, end: 9000 }),
        // No session.
        span(5, 5, { start: 700, end: 99_000 }),
        // Session "s-d": its only trace starts outside the window used below.
        span(6, 6, { sessionId: 's-d', start: 2 * dayUs, end: 2 * dayUs + 1 }),
      ]));
      const query = { fromUs: t0Us, toUs: t0Us + dayUs, limit: 10 };
      const { items, nextPageToken } = await store().listSessions(p, query);
      expect(nextPageToken).toBeUndefined();
      expect(items).toEqual([
        { sessionId: 's-c', traceCount: 1, firstUs: t0Us + 600, lastUs: t0Us + 9000, userIds: [], inputTokens: 0, outputTokens: 0, cost: 0 },
        { sessionId: 's-b', traceCount: 1, firstUs: t0Us + 500, lastUs: t0Us + 9000, userIds: ['ann'], inputTokens: 0, outputTokens: 0, cost: 0 },
        { sessionId: 's-a', traceCount: 2, firstUs: t0Us, lastUs: t0Us + 5000, userIds: ['ann', 'ben'], inputTokens: 4, outputTokens: 6, cost: 0.75 },
      ]);
      for (const pageSize of [1, 2]) {
        const paged = await collectPages((pageToken) => store().listSessions(p, { ...query, limit: pageSize, pageToken }), pageSize);
        expect(paged).toEqual(items);
      }
      expect((await store().listSessions(p, { ...query, userId: 'ben' })).items.map((session) => session.sessionId)).toEqual(['s-a']);
      expect((await store().listSessions(p, { ...query, userId: 'ann' })).items.map((session) => session.sessionId)).toEqual(['s-b', 's-a']);
      expect((await store().listSessions(p, { ...window, limit: 10 })).items.map((session) => session.sessionId)).toEqual(['s-d', 's-c', 's-b', 's-a']);
    });

    it('returns a session\'s traces oldest first, paged', async () => {
      const p = await newProject(store(), 'trace-session-traces');
      const spans = Array.from({ length: 9 }, (_, index) => span(index + 1, index + 1, { sessionId: index === 4 ? 'other' : 'chat', start: Math.floor(index / 2) * 1000 }));
      await store().insertSpans(inProject(p, spans));
      const expected = [1, 2, 3, 4, 6, 7, 8, 9].map(traceHex);
      for (const pageSize of [1, 3, 100]) {
        const all = await collectPages((pageToken) => store().getSessionTraces(p, 'chat', { limit: pageSize, pageToken }), pageSize);
        expect(ids(all)).toEqual(expected);
      }
      expect((await store().getSessionTraces(p, 'none', { limit: 10 })).items).toEqual([]);
    });
  });
}
