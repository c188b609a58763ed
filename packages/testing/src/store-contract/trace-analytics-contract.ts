import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AggregateRow, KeelStore, NewScore, SpanRecord, TraceSettings } from '@keel/spec';
import { collectPages, expectCode, newProject, type OpenStore, useStore } from './contract-helpers.ts';
import { dayUs, generation, inProject, msUs, span, spanHex, t0Us, traceHex } from './trace-fixtures.ts';

const window = { fromUs: t0Us - dayUs, toUs: t0Us + 30 * dayUs };

/** A generation of `latency` milliseconds starting at `start` microseconds after t0. */
const timed = (trace: number, id: number, start: number, latency: number, overrides: Partial<SpanRecord> = {}): SpanRecord =>
  generation(trace, id, { start, end: start + latency * msUs, ...overrides });

function expectRows(actual: AggregateRow[], expected: AggregateRow[]): void {
  expect(actual.map((row) => row.group)).toEqual(expected.map((row) => row.group));
  actual.forEach((row, index) => {
    const want = expected[index] as AggregateRow;
    expect({ ...row, latencyP50Ms: 0, latencyP95Ms: 0, latencyP99Ms: 0 }).toEqual({ ...want, latencyP50Ms: 0, latencyP95Ms: 0, latencyP99Ms: 0 });
    expect(row.latencyP50Ms).toBeCloseTo(want.latencyP50Ms, 9);
    expect(row.latencyP95Ms).toBeCloseTo(want.latencyP95Ms, 9);
    expect(row.latencyP99Ms).toBeCloseTo(want.latencyP99Ms, 9);
  });
}

const row = (group: string, count: number, traceCount: number, inputTokens: number, outputTokens: number, cost: number, p: [number, number, number]): AggregateRow => ({
  group, count, traceCount, inputTokens, outputTokens, cost, latencyP50Ms: p[0], latencyP95Ms: p[1], latencyP99Ms: p[2],
});

const score = (traceId: string, overrides: Partial<NewScore> = {}): NewScore => ({
  traceId, spanId: null, name: 'quality', dataType: 'numeric', value: 0.5, label: null, source: 'api', comment: '', author: 'key-1', ...overrides,
});

async function aggregateFixture(store: KeelStore, label: string): Promise<number> {
  const p = await newProject(store, label);
  await store.insertSpans(inProject(p, [
    timed(1, 1, 0, 100, { userId: 'alice', promptName: 'greet', promptVersion: 1, inputTokens: 10, outputTokens: 5, cost: 0.5 }),
    timed(1, 2, 10, 300, { userId: 'alice', promptName: 'greet', promptVersion: 1, inputTokens: 20, outputTokens: 10, cost: 0.25 }),
    timed(2, 3, 20, 200, { model: 'claude-3', provider: 'anthropic', userId: 'bob', promptName: 'greet', promptVersion: 2, inputTokens: 1, outputTokens: 2, cost: 1 }),
    // Not a generation: no model.
    span(2, 4, { start: 5, end: 5 + 5000 * msUs, userId: 'bob', promptName: 'greet', promptVersion: 2 }),
    // The next day, no user and no prompt.
    timed(3, 5, dayUs + 7, 400, { inputTokens: 4, outputTokens: 4, cost: 0.125 }),
    // Before the window used below.
    timed(4, 6, -2 * dayUs, 50, { cost: 100 }),
  ]));
  return p;
}

export function describeTraceAnalyticsContract(open: OpenStore): void {
  describe('traces: aggregates', () => {
    const store = useStore(open);
    const from = { fromUs: t0Us, toUs: t0Us + 30 * dayUs };

    it('groups generations by model, provider, user, prompt version and day with exact figures', async () => {
      const p = await aggregateFixture(store(), 'trace-aggregate');
      expectRows(await store().aggregate(p, { ...from, groupBy: 'model' }), [
        row('claude-3', 1, 1, 1, 2, 1, [200, 200, 200]),
        row('gpt-4o', 3, 2, 34, 19, 0.875, [300, 390, 398]),
      ]);
      expectRows(await store().aggregate(p, { ...from, groupBy: 'provider' }), [
        row('anthropic', 1, 1, 1, 2, 1, [200, 200, 200]),
        row('openai', 3, 2, 34, 19, 0.875, [300, 390, 398]),
      ]);
      expectRows(await store().aggregate(p, { ...from, groupBy: 'user' }), [
        row('(none)', 1, 1, 4, 4, 0.125, [400, 400, 400]),
        row('alice', 2, 1, 30, 15, 0.75, [200, 290, 298]),
        row('bob', 1, 1, 1, 2, 1, [200, 200, 200]),
      ]);
      expectRows(await store().aggregate(p, { ...from, groupBy: 'prompt_version' }), [
        row('(none)', 1, 1, 4, 4, 0.125, [400, 400, 400]),
        row('greet@1', 2, 1, 30, 15, 0.75, [200, 290, 298]),
        row('greet@2', 1, 1, 1, 2, 1, [200, 200, 200]),
      ]);
      expectRows(await store().aggregate(p, { ...from, groupBy: 'day' }), [
        row('2025-01-01', 3, 2, 31, 17, 1.75, [200, 290, 298]),
        row('2025-01-02', 1, 1, 4, 4, 0.125, [400, 400, 400]),
      ]);
      expectRows(await store().aggregate(p, { ...from, groupBy: 'day', model: 'gpt-4o' }), [
        row('2025-01-01', 2, 1, 30, 15, 0.75, [200, 290, 298]),
        row('2025-01-02', 1, 1, 4, 4, 0.125, [400, 400, 400]),
      ]);
      expectRows(await store().aggregate(p, { ...from, groupBy: 'model', promptName: 'greet' }), [
        row('claude-3', 1, 1, 1, 2, 1, [200, 200, 200]),
        row('gpt-4o', 2, 1, 30, 15, 0.75, [200, 290, 298]),
      ]);
      // The window counts span starts: the day-two generation alone.
      expectRows(await store().aggregate(p, { fromUs: t0Us + dayUs, toUs: t0Us + dayUs + 8, groupBy: 'model' }), [row('gpt-4o', 1, 1, 4, 4, 0.125, [400, 400, 400])]);
      expect(await store().aggregate(p, { fromUs: t0Us + 2 * dayUs, toUs: t0Us + 3 * dayUs, groupBy: 'model' })).toEqual([]);
    });

    it('keeps the generations of one service when asked (the gateway spans)', async () => {
      const p = await aggregateFixture(store(), 'trace-aggregate-service');
      await store().insertSpans(inProject(p, [
        timed(7, 7, 30, 40, { serviceName: 'keel-gateway', inputTokens: 3, outputTokens: 1, cost: 0.5 }),
        timed(8, 8, 40, 60, { serviceName: 'keel-gateway', model: 'claude-3', provider: 'anthropic', inputTokens: 2, outputTokens: 2, cost: 0.25 }),
      ]));
      expectRows(await store().aggregate(p, { ...from, groupBy: 'model', serviceName: 'keel-gateway' }), [
        row('claude-3', 1, 1, 2, 2, 0.25, [60, 60, 60]),
        row('gpt-4o', 1, 1, 3, 1, 0.5, [40, 40, 40]),
      ]);
      expectRows(await store().aggregate(p, { ...from, groupBy: 'day', serviceName: 'keel-gateway', model: 'gpt-4o' }), [row('2025-01-01', 1, 1, 3, 1, 0.5, [40, 40, 40])]);
      // The fixture's other generations are the service 'svc'.
      expectRows(await store().aggregate(p, { ...from, groupBy: 'model', serviceName: 'svc' }), [
        row('claude-3', 1, 1, 1, 2, 1, [200, 200, 200]),
        row('gpt-4o', 3, 2, 34, 19, 0.875, [300, 390, 398]),
      ]);
      expect(await store().aggregate(p, { ...from, groupBy: 'model', serviceName: 'nobody' })).toEqual([]);
    });

    it('groups the gateway\'s generations by virtual key, and stores the key with the span', async () => {
      const p = await aggregateFixture(store(), 'trace-aggregate-gateway-key');
      const gateway = { serviceName: 'keel-gateway' };
      await store().insertSpans(inProject(p, [
        timed(7, 7, 30, 40, { ...gateway, gatewayKey: 'team-a', inputTokens: 3, outputTokens: 1, cost: 0.5 }),
        timed(7, 8, 35, 80, { ...gateway, gatewayKey: 'team-a', model: 'claude-3', provider: 'anthropic', inputTokens: 2, outputTokens: 2, cost: 0.25 }),
        timed(8, 9, 40, 60, { ...gateway, gatewayKey: 'team-b', inputTokens: 1, outputTokens: 1, cost: 0.125 }),
        // A call made with a project API key: no virtual key.
        timed(9, 10, 50, 10, { ...gateway, inputTokens: 1, outputTokens: 0, cost: 0 }),
        // Not a generation (no model): not counted.
        span(8, 11, { ...gateway, gatewayKey: 'team-b', start: 45, end: 45 + 900 * msUs }),
        // The next day.
        timed(10, 12, dayUs + 1, 100, { ...gateway, gatewayKey: 'team-b', inputTokens: 5, outputTokens: 5, cost: 1 }),
      ]));
      expectRows(await store().aggregate(p, { ...from, groupBy: 'gateway_key', serviceName: 'keel-gateway' }), [
        row('(none)', 1, 1, 1, 0, 0, [10, 10, 10]),
        row('team-a', 2, 1, 5, 3, 0.75, [60, 78, 79.6]),
        row('team-b', 2, 2, 6, 6, 1.125, [80, 98, 99.6]),
      ]);
      expectRows(await store().aggregate(p, { ...from, groupBy: 'gateway_key', serviceName: 'keel-gateway', model: 'gpt-4o' }), [
        row('(none)', 1, 1, 1, 0, 0, [10, 10, 10]),
        row('team-a', 1, 1, 3, 1, 0.5, [40, 40, 40]),
        row('team-b', 2, 2, 6, 6, 1.125, [80, 98, 99.6]),
      ]);
      expectRows(await store().aggregate(p, { fromUs: t0Us, toUs: t0Us + dayUs, groupBy: 'gateway_key', serviceName: 'keel-gateway' }), [
        row('(none)', 1, 1, 1, 0, 0, [10, 10, 10]),
        row('team-a', 2, 1, 5, 3, 0.75, [60, 78, 79.6]),
        row('team-b', 1, 1, 1, 1, 0.125, [60, 60, 60]),
      ]);
      // Without the service filter the applications' generations (no key) are in '(none)' too.
      expect((await store().aggregate(p, { ...from, groupBy: 'gateway_key' })).map((entry) => [entry.group, entry.count])).toEqual([['(none)', 5], ['team-a', 2], ['team-b', 2]]);
      expect((await store().getTraceSpans(p, traceHex(7))).map((stored) => stored.gatewayKey)).toEqual(['team-a', 'team-a']);
      expect((await store().getTraceSpans(p, traceHex(1))).map((stored) => stored.gatewayKey)).toEqual([null, null]);
      const other = await newProject(store(), 'trace-aggregate-gateway-key-other');
      expect(await store().aggregate(other, { ...from, groupBy: 'gateway_key', serviceName: 'keel-gateway' })).toEqual([]);
    });

    it('sums cost and tokens by one or two dimensions without percentiles', async () => {
      const p = await aggregateFixture(store(), 'trace-cost-totals');
      expect(await store().costTotals(p, { ...from, groupBy: ['model', 'day'] })).toEqual([
        { groups: ['claude-3', '2025-01-01'], count: 1, inputTokens: 1, outputTokens: 2, cost: 1 },
        { groups: ['gpt-4o', '2025-01-01'], count: 2, inputTokens: 30, outputTokens: 15, cost: 0.75 },
        { groups: ['gpt-4o', '2025-01-02'], count: 1, inputTokens: 4, outputTokens: 4, cost: 0.125 },
      ]);
      expect(await store().costTotals(p, { ...from, groupBy: ['user'], model: 'gpt-4o' })).toEqual([
        { groups: ['(none)'], count: 1, inputTokens: 4, outputTokens: 4, cost: 0.125 },
        { groups: ['alice'], count: 2, inputTokens: 30, outputTokens: 15, cost: 0.75 },
      ]);
      // By user over whole days: the daily sums keep no users (ADR 0019), so these come from the generations.
      expect(await store().costTotals(p, { ...window, groupBy: ['user', 'day'] })).toEqual([
        { groups: ['(none)', '2025-01-02'], count: 1, inputTokens: 4, outputTokens: 4, cost: 0.125 },
        { groups: ['alice', '2025-01-01'], count: 2, inputTokens: 30, outputTokens: 15, cost: 0.75 },
        { groups: ['bob', '2025-01-01'], count: 1, inputTokens: 1, outputTokens: 2, cost: 1 },
      ]);
      expect(await store().costTotals(p, { ...window, groupBy: ['prompt_version'], promptName: 'greet' })).toEqual([
        { groups: ['greet@1'], count: 2, inputTokens: 30, outputTokens: 15, cost: 0.75 },
        { groups: ['greet@2'], count: 1, inputTokens: 1, outputTokens: 2, cost: 1 },
      ]);
      const other = await newProject(store(), 'trace-cost-totals-other');
      expect(await store().costTotals(other, { ...window, groupBy: ['model'] })).toEqual([]);
      // A window that starts inside a day: that day's part comes from spans, whole days from the daily sums.
      expect(await store().costTotals(p, { fromUs: t0Us + 15, toUs: t0Us + 30 * dayUs, groupBy: ['model'] })).toEqual([
        { groups: ['claude-3'], count: 1, inputTokens: 1, outputTokens: 2, cost: 1 },
        { groups: ['gpt-4o'], count: 1, inputTokens: 4, outputTokens: 4, cost: 0.125 },
      ]);
      // Within one day, and across a day boundary with both edges partial.
      expect(await store().costTotals(p, { fromUs: t0Us + 5, toUs: t0Us + 15, groupBy: ['model'] })).toEqual([{ groups: ['gpt-4o'], count: 1, inputTokens: 20, outputTokens: 10, cost: 0.25 }]);
      expect(await store().costTotals(p, { fromUs: t0Us + 15, toUs: t0Us + dayUs + 8, groupBy: ['day'] })).toEqual([
        { groups: ['2025-01-01'], count: 1, inputTokens: 1, outputTokens: 2, cost: 1 },
        { groups: ['2025-01-02'], count: 1, inputTokens: 4, outputTokens: 4, cost: 0.125 },
      ]);
    });

    it('keeps the daily cost sums right when retention deletes spans', async () => {
      const p = await aggregateFixture(store(), 'trace-cost-retention');
      expect(await store().deleteSpansBefore(p, t0Us + dayUs, 100)).toBe(5);
      expect(await store().costTotals(p, { ...window, groupBy: ['model', 'day'] })).toEqual([{ groups: ['gpt-4o', '2025-01-02'], count: 1, inputTokens: 4, outputTokens: 4, cost: 0.125 }]);
      expect(await store().deleteSpansBefore(p, t0Us + 2 * dayUs, 100)).toBe(1);
      expect(await store().costTotals(p, { fromUs: t0Us - 5 * dayUs, toUs: t0Us + 5 * dayUs, groupBy: ['model'] })).toEqual([]);
    });

    it('finds every generation in any window, however late, early or out of order its spans arrive (ADR 0020)', async () => {
      const hourUs = 3_600_000_000;
      // Most spans near a clock that moves on with each batch, as live traffic is; some hours or days off.
      const planned = fc.record({
        batch: fc.nat(5),
        offset: fc.oneof(
          { arbitrary: fc.integer({ min: -30 * 60_000_000, max: 30 * 60_000_000 }), weight: 3 },
          { arbitrary: fc.integer({ min: -2 * hourUs, max: 2 * hourUs }), weight: 2 },
          { arbitrary: fc.integer({ min: -3 * 24 * hourUs, max: 3 * 24 * hourUs }), weight: 1 },
        ),
        model: fc.constantFrom('m-a', 'm-b', null),
        cost: fc.nat(9),
      });
      const windowArb = fc.tuple(fc.integer({ min: -4 * 24, max: 4 * 24 }), fc.integer({ min: 1, max: 3 * 24 }), fc.integer({ min: -hourUs, max: hourUs }));
      // Windows by the hour, and windows whose edges are the starts of two of the spans.
      const edgesArb = fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 4 });
      await fc.assert(fc.asyncProperty(fc.array(planned, { minLength: 1, maxLength: 40 }), fc.array(windowArb, { minLength: 1, maxLength: 3 }), edgesArb, fc.nat(5), async (plans, windows, edges, resent) => {
        const p = await newProject(store(), 'trace-chunks');
        const spans = plans.map((plan, index) => {
          const start = plan.batch * 20 * 60_000_000 + plan.offset;
          return timed(index + 1, index + 1, start, 10, { model: plan.model, cost: plan.cost, inputTokens: plan.cost, outputTokens: 1, userId: `u-${index % 3}` });
        });
        const batches = Array.from({ length: 6 }, (_, batch) => spans.filter((_span, index) => plans[index]?.batch === batch));
        for (const batch of batches) if (batch.length > 0) await store().insertSpans(inProject(p, batch));
        // An exporter's retry of one batch adds nothing.
        await store().insertSpans(inProject(p, batches[resent] ?? []));
        const starts = spans.map((item) => item.startUs);
        const bySpans = edges.map(([a, b]) => {
          const [low, high] = [starts[a % starts.length] ?? t0Us, starts[b % starts.length] ?? t0Us].sort((x, y) => x - y);
          return { fromUs: low ?? t0Us, toUs: (high ?? t0Us) + 1 };
        });
        const byHours = windows.map(([fromHour, hours, shift]) => ({ fromUs: t0Us + fromHour * hourUs + shift, toUs: t0Us + (fromHour + hours) * hourUs + shift }));
        for (const { fromUs, toUs } of [...byHours, ...bySpans]) {
          const inWindow = spans.filter((item) => item.model !== null && item.startUs >= fromUs && item.startUs < toUs);
          const expected = ['m-a', 'm-b'].map((model) => {
            const mine = inWindow.filter((item) => item.model === model);
            return { model, count: mine.length, cost: mine.reduce((total, item) => total + (item.cost ?? 0), 0) };
          }).filter((entry) => entry.count > 0);
          const byModel = await store().aggregate(p, { fromUs, toUs, groupBy: 'model' });
          expect(byModel.map((entry) => ({ model: entry.group, count: entry.count, cost: entry.cost }))).toEqual(expected);
          const byUser = await store().costTotals(p, { fromUs, toUs, groupBy: ['user'] });
          expect(byUser.reduce((total, entry) => total + entry.count, 0)).toBe(inWindow.length);
          expect(byUser.reduce((total, entry) => total + entry.inputTokens, 0)).toBe(inWindow.reduce((total, item) => total + (item.inputTokens ?? 0), 0));
        }
      }), { numRuns: 25 });
    });

    it('computes percentiles exactly, interpolating between ranks', async () => {
      const p = await newProject(store(), 'trace-percentiles');
      // 1..100 ms in a scrambled order, two values, and one value, in three models.
      const spans = Array.from({ length: 100 }, (_, index) => timed(1 + (index % 10), index + 1, index, ((index * 37) % 100) + 1, { model: 'hundred', cost: null, inputTokens: null, outputTokens: null }));
      spans.push(timed(20, 200, 0, 20, { model: 'two' }), timed(21, 201, 0, 10, { model: 'two' }), timed(22, 202, 0, 7.5, { model: 'one' }));
      await store().insertSpans(inProject(p, spans));
      expectRows(await store().aggregate(p, { ...window, groupBy: 'model' }), [
        row('hundred', 100, 10, 0, 0, 0, [50.5, 95.05, 99.01]),
        row('one', 1, 1, 10, 5, 0.5, [7.5, 7.5, 7.5]),
        row('two', 2, 2, 20, 10, 1, [15, 19.5, 19.9]),
      ]);
    });

    it('reports prompt usage per version with the mean scores of the traces that used it', async () => {
      const p = await aggregateFixture(store(), 'trace-prompt-usage');
      await store().insertSpans(inProject(p, [timed(9, 9, 0, 10, { promptName: 'other', promptVersion: 1 })]));
      const scores: [NewScore, string][] = [
        [score(traceHex(1), { value: 0.75 }), 's1'],
        [score(traceHex(1), { value: 0.25, spanId: spanHex(1) }), 's2'],
        [score(traceHex(1), { name: 'helpful', dataType: 'boolean', value: 1, label: 'true' }), 's3'],
        [score(traceHex(1), { name: 'tone', dataType: 'categorical', value: null, label: 'warm' }), 's4'],
        [score(traceHex(2), { value: 0.5 }), 's5'],
        [score(traceHex(9), { value: 1 }), 's6'],
      ];
      for (const [newScore, id] of scores) await store().createScore(p, newScore, `${p}-${id}`, 1_000);
      const usage = await store().promptUsage(p, 'greet', { fromUs: t0Us, toUs: t0Us + dayUs });
      expect(usage).toEqual([
        { version: 1, count: 2, inputTokens: 30, outputTokens: 15, cost: 0.75, latencyP50Ms: 200, latencyP95Ms: expect.closeTo(290, 9) as number, scores: [{ name: 'helpful', mean: 1, count: 1 }, { name: 'quality', mean: 0.5, count: 2 }] },
        { version: 2, count: 2, inputTokens: 1, outputTokens: 2, cost: 1, latencyP50Ms: expect.closeTo(2600, 9) as number, latencyP95Ms: expect.closeTo(4760, 9) as number, scores: [{ name: 'quality', mean: 0.5, count: 1 }] },
      ]);
      expect(await store().promptUsage(p, 'absent', window)).toEqual([]);
    });
  });

  describe('traces: scores', () => {
    const store = useStore(open);

    it('creates and lists scores of a trace and of its spans', async () => {
      const p = await newProject(store(), 'trace-scores');
      await store().insertSpans(inProject(p, [span(1, 1), span(1, 2, { parentSpanId: spanHex(1) })]));
      const numeric = await store().createScore(p, score(traceHex(1), { comment: 'good', source: 'human' }), `${p}-a`, 2_000);
      expect(numeric).toEqual({ ...score(traceHex(1), { comment: 'good', source: 'human' }), id: `${p}-a`, createdAt: 2_000 });
      const categorical = await store().createScore(p, score(traceHex(1), { spanId: spanHex(2), name: 'tone', dataType: 'categorical', value: null, label: 'warm', source: 'evaluator' }), `${p}-b`, 1_000);
      const boolean = await store().createScore(p, score(traceHex(1), { name: 'ok', dataType: 'boolean', value: 0, label: 'false' }), `${p}-c`, 3_000);
      expect(await store().listScores(p, traceHex(1))).toEqual([categorical, numeric, boolean]);
      expect(await store().listScores(p, traceHex(2))).toEqual([]);
      await expectCode(store().createScore(p, score(traceHex(2)), `${p}-d`, 1), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().createScore(p, score(traceHex(1), { spanId: spanHex(9) }), `${p}-e`, 1), 'RESOURCE_DOES_NOT_EXIST');
      expect(await store().listScores(p, traceHex(1))).toHaveLength(3);
    });
  });

  describe('traces: settings and retention', () => {
    const store = useStore(open);

    it('returns defaults, then the settings saved, and lists projects with a retention time', async () => {
      const a = await newProject(store(), 'trace-settings-a');
      const b = await newProject(store(), 'trace-settings-b');
      expect(await store().getTraceSettings(a)).toEqual({ retentionDays: null, pii: { detectors: [], custom: [] }, prices: [] });
      const settings: TraceSettings = {
        retentionDays: 30,
        pii: { detectors: ['email', 'iban'], custom: [{ name: 'ticket', pattern: 'T-\\d+' }] },
        prices: [{ pattern: '^gpt-4o$', input: 2.5, output: 10, cachedInput: 1.25 }, { pattern: '^mine$', input: 0, output: 0 }],
      };
      await store().setTraceSettings(a, settings);
      await store().setTraceSettings(b, { ...settings, retentionDays: null });
      expect(await store().getTraceSettings(a)).toEqual(settings);
      expect(await store().getTraceSettings(b)).toEqual({ ...settings, retentionDays: null });
      const mine = async (): Promise<{ projectId: number; retentionDays: number }[]> => (await store().listRetention()).filter((entry) => entry.projectId === a || entry.projectId === b);
      expect(await mine()).toEqual([{ projectId: a, retentionDays: 30 }]);
      await store().setTraceSettings(a, { ...settings, retentionDays: 7 });
      await store().setTraceSettings(b, { ...settings, retentionDays: 1 });
      expect(await mine()).toEqual([{ projectId: a, retentionDays: 7 }, { projectId: b, retentionDays: 1 }]);
      await store().setTraceSettings(a, { ...settings, retentionDays: null });
      expect(await mine()).toEqual([{ projectId: b, retentionDays: 1 }]);
    });

    it('deletes only old spans of the project, in bounded calls, with their scores, and keeps summaries right', async () => {
      const a = await newProject(store(), 'trace-retention-a');
      const b = await newProject(store(), 'trace-retention-b');
      const newer = 2 * dayUs;
      const spans = [
        // Trace 1 straddles the cut: two old spans, one new.
        span(1, 1, { start: 0, end: newer + 10, name: 'old-root', status: 'error' }),
        generation(1, 2, { parentSpanId: spanHex(1), start: 10, end: 20, cost: 1 }),
        generation(1, 3, { parentSpanId: spanHex(1), start: newer, end: newer + 5, cost: 0.25, name: 'new-child' }),
        // Trace 2 is all old, trace 3 all new.
        span(2, 4, { start: 100, end: 200 }), span(2, 5, { parentSpanId: spanHex(4), start: 110, end: 120 }), span(2, 6, { parentSpanId: spanHex(4), start: 130, end: 140 }),
        span(3, 7, { start: newer + 1, end: newer + 2, sessionId: 'kept' }),
      ];
      await store().insertSpans([...inProject(a, spans), ...inProject(b, spans)]);
      await store().createScore(a, score(traceHex(1)), `${a}-t1`, 1);
      await store().createScore(a, score(traceHex(1), { spanId: spanHex(2) }), `${a}-t1-old-span`, 2);
      await store().createScore(a, score(traceHex(1), { spanId: spanHex(3) }), `${a}-t1-new-span`, 3);
      await store().createScore(a, score(traceHex(2)), `${a}-t2`, 4);
      await store().createScore(b, score(traceHex(2)), `${b}-t2`, 5);
      const cut = t0Us + dayUs;
      expect(await store().deleteSpansBefore(a, cut, 2)).toBe(2);
      expect(await store().deleteSpansBefore(a, cut, 100)).toBe(3);
      expect(await store().deleteSpansBefore(a, cut, 100)).toBe(0);
      expect((await store().getTraceSpans(a, traceHex(1))).map((record) => record.spanId)).toEqual([spanHex(3)]);
      expect(await store().getTraceSpans(a, traceHex(2))).toEqual([]);
      const traces = await collectPages((pageToken) => store().listTraces(a, { ...window, limit: 10, pageToken }), 10);
      expect(traces.map((trace) => [trace.traceId, trace.name, trace.startUs, trace.endUs, trace.spanCount, trace.cost, trace.status])).toEqual([
        [traceHex(3), 'span-7', t0Us + newer + 1, t0Us + newer + 2, 1, 0, 'unset'],
        [traceHex(1), 'new-child', t0Us + newer, t0Us + newer + 5, 1, 0.25, 'unset'],
      ]);
      expect((await store().listScores(a, traceHex(1))).map((entry) => entry.id)).toEqual([`${a}-t1`, `${a}-t1-new-span`]);
      expect(await store().listScores(a, traceHex(2))).toEqual([]);
      // Project B is untouched.
      expect(await store().getTraceSpans(b, traceHex(2))).toHaveLength(3);
      expect(await store().listScores(b, traceHex(2))).toHaveLength(1);
      expect((await store().listTraces(b, { ...window, limit: 10 })).items).toHaveLength(3);
    });

    it('deletes more spans than one chunk holds, oldest first', async () => {
      const p = await newProject(store(), 'trace-retention-bulk');
      // 500 traces of 5 spans; span n starts n microseconds after t0.
      const spans = Array.from({ length: 2_500 }, (_, index) => span(Math.floor(index / 5) + 1, index + 1, { start: index, end: index + 1, parentSpanId: index % 5 === 0 ? null : spanHex(index - (index % 5) + 1) }));
      await store().insertSpans(inProject(p, spans));
      expect(await store().deleteSpansBefore(p, t0Us + dayUs, 2_200)).toBe(2_200);
      const left = await collectPages((pageToken) => store().listTraces(p, { ...window, limit: 100, pageToken }), 100);
      expect(left).toHaveLength(60);
      expect(left.at(-1)?.traceId).toBe(traceHex(441));
      expect(await store().deleteSpansBefore(p, t0Us + dayUs, 2_200)).toBe(300);
      expect((await store().listTraces(p, { ...window, limit: 10 })).items).toEqual([]);
    });
  });
}
