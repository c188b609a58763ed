import { describe, expect, it } from 'vitest';
import type { GatewayStore, GatewayUsageDelta } from '@keel/spec';
import { createUsageRecorder, type UsageRecord } from './create-usage-recorder.ts';

const may1 = Date.parse('2024-05-01T10:00:00Z');
const record = (overrides: Partial<UsageRecord> = {}): UsageRecord => ({
  projectId: 1, keyName: 'team-a', model: 'gpt', requests: 1, errors: 0, cacheHits: 0, inputTokens: 10, outputTokens: 5, estimatedRequests: 0, costMicros: 100, atMs: may1, ...overrides,
});

/** A store that keeps every addGatewayUsage call, and fails while `failing` is set. */
function fakeStore() {
  const calls: GatewayUsageDelta[][] = [];
  const state = { failing: false, calls };
  const store: Pick<GatewayStore, 'addGatewayUsage' | 'queryGatewayUsage'> = {
    addGatewayUsage: async (deltas) => {
      if (state.failing) throw new Error('database down');
      calls.push(deltas.map((delta) => ({ ...delta })));
    },
    queryGatewayUsage: async () => [],
  };
  return { store, state };
}

describe('createUsageRecorder', () => {
  it('sums records per project, UTC day, key and model and writes them in one store call', async () => {
    const { store, state } = fakeStore();
    const recorder = createUsageRecorder({ store, clock: { now: () => may1 }, flushIntervalMs: 0 });
    recorder.record(record());
    recorder.record(record({ errors: 1, costMicros: 50, estimatedRequests: 1 }));
    recorder.record(record({ model: 'claude' }));
    recorder.record(record({ atMs: Date.parse('2024-05-01T23:59:59.999Z'), cacheHits: 1 }));
    recorder.record(record({ atMs: Date.parse('2024-05-02T00:00:00Z') }));
    recorder.record(record({ keyName: '' }));
    expect(state.calls).toEqual([]);
    await recorder.flush();
    expect(state.calls).toHaveLength(1);
    const rows = state.calls[0] ?? [];
    expect(rows).toHaveLength(4);
    expect(rows).toContainEqual({ projectId: 1, day: '2024-05-01', keyName: 'team-a', model: 'gpt', requests: 3, errors: 1, cacheHits: 1, inputTokens: 30, outputTokens: 15, estimatedRequests: 1, costMicros: 250 });
    expect(rows).toContainEqual(expect.objectContaining({ day: '2024-05-02', keyName: 'team-a', model: 'gpt', requests: 1 }));
    expect(rows).toContainEqual(expect.objectContaining({ day: '2024-05-01', keyName: '', model: 'gpt', requests: 1 }));
    // Nothing left: a second flush writes nothing.
    await recorder.flush();
    expect(state.calls).toHaveLength(1);
  });

  it('keeps the counts of a failed flush and writes them, with what came since, on the next', async () => {
    const { store, state } = fakeStore();
    const recorder = createUsageRecorder({ store, clock: { now: () => may1 }, flushIntervalMs: 0 });
    recorder.record(record());
    state.failing = true;
    await expect(recorder.flush()).rejects.toThrow('database down');
    recorder.record(record({ inputTokens: 1 }));
    state.failing = false;
    await recorder.flush();
    expect(state.calls).toEqual([[expect.objectContaining({ requests: 2, inputTokens: 11, costMicros: 200 })]]);
  });

  it('never writes a count twice when flushes overlap', async () => {
    const { store, state } = fakeStore();
    const recorder = createUsageRecorder({ store, clock: { now: () => may1 }, flushIntervalMs: 0 });
    recorder.record(record());
    const first = recorder.flush();
    recorder.record(record());
    const second = recorder.flush();
    await Promise.all([first, second]);
    expect(state.calls.flat().reduce((sum, delta) => sum + delta.requests, 0)).toBe(2);
  });

  it('flushes on its timer and reports a failed timed flush', async () => {
    const { store, state } = fakeStore();
    const errors: unknown[] = [];
    let wrote: () => void = () => undefined;
    const written = new Promise<void>((resolve) => {
      wrote = resolve;
    });
    const recorder = createUsageRecorder({
      store: { ...store, addGatewayUsage: async (deltas) => { await store.addGatewayUsage(deltas); wrote(); } },
      clock: { now: () => may1 },
      flushIntervalMs: 5,
      onError: (error) => errors.push(error),
    });
    recorder.record(record());
    await written;
    recorder.stop();
    expect(state.calls).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('answers a query after writing its pending counts, over the last 30 days by default', async () => {
    const { store, state } = fakeStore();
    const queries: unknown[] = [];
    const recorder = createUsageRecorder({ store: { ...store, queryGatewayUsage: async (query) => { queries.push(query); return []; } }, clock: { now: () => may1 }, flushIntervalMs: 0 });
    recorder.record(record());
    expect(await recorder.query({ projectId: 1, groupBy: ['day'] })).toEqual({ fromDay: '2024-04-02', toDay: '2024-05-01', rows: [] });
    expect(state.calls).toHaveLength(1);
    expect(queries).toEqual([{ projectId: 1, groupBy: ['day'], fromDay: '2024-04-02', toDay: '2024-05-01' }]);
    await recorder.query({ projectId: 1, groupBy: [], fromDay: '2024-01-01', toDay: '2024-01-31', keyName: 'k' });
    expect(queries[1]).toEqual({ projectId: 1, groupBy: [], fromDay: '2024-01-01', toDay: '2024-01-31', keyName: 'k' });
  });
});

describe('createUsageRecorder.query', () => {
  it('refuses a window that ends before it starts, before writing anything', async () => {
    const { store, state } = fakeStore();
    const recorder = createUsageRecorder({ store, clock: { now: () => may1 }, flushIntervalMs: 0 });
    recorder.record(record());
    await expect(recorder.query({ projectId: 1, groupBy: [], fromDay: '2024-06-01' })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    expect(state.calls).toEqual([]);
  });
});
