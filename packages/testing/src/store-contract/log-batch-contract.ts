import { describe, expect, it } from 'vitest';
import type { KeelStore, Metric } from '@keel/spec';
import { expectCode, metric, newExperiment, newProject, newRun, type OpenStore, sortedPairs, tagValue, useStore } from './contract-helpers.ts';

async function activeRun(store: KeelStore, label: string): Promise<{ projectId: number; runId: string }> {
  const projectId = await newProject(store, label);
  const experimentId = await newExperiment(store, projectId, 'batches');
  const run = await newRun(store, projectId, experimentId);
  return { projectId, runId: run.info.runId };
}

async function history(store: KeelStore, projectId: number, runId: string, key: string): Promise<Metric[]> {
  return (await store.getMetricHistory(projectId, runId, key, { maxResults: 100_000, pageToken: undefined })).items;
}

export function describeLogBatchContract(open: OpenStore): void {
  describe('logBatch', () => {
    const store = useStore(open);

    it('stores params, metrics and tags together', async () => {
      const { projectId, runId } = await activeRun(store(), 'batch-basic');
      await store().logBatch(projectId, runId, {
        params: [{ key: 'lr', value: '0.01' }, { key: 'layers', value: '4' }],
        metrics: [metric('loss', 0.5, 0, 100), metric('acc', 0.9, 0, 1_717_000_000_123)],
        tags: [{ key: 'stage', value: 'train' }],
      });
      const run = await store().getRun(projectId, runId);
      expect(sortedPairs(run?.data.params ?? [])).toEqual([{ key: 'layers', value: '4' }, { key: 'lr', value: '0.01' }]);
      expect([...(run?.data.metrics ?? [])].sort((a, b) => a.key.localeCompare(b.key))).toEqual([metric('acc', 0.9, 0, 1_717_000_000_123), metric('loss', 0.5, 0, 100)]);
      expect(tagValue(run?.data.tags ?? [], 'stage')).toBe('train');
      await store().logBatch(projectId, runId, { params: [], metrics: [], tags: [{ key: 'stage', value: 'eval' }] });
      expect(tagValue((await store().getRun(projectId, runId))?.data.tags ?? [], 'stage')).toBe('eval');
    });

    it('accepts a param logged again with the same value', async () => {
      const { projectId, runId } = await activeRun(store(), 'batch-param-same');
      await store().logBatch(projectId, runId, { params: [{ key: 'lr', value: '0.01' }], metrics: [], tags: [] });
      await store().logBatch(projectId, runId, { params: [{ key: 'lr', value: '0.01' }, { key: 'lr', value: '0.01' }], metrics: [metric('m', 1, 1, 1)], tags: [] });
      const run = await store().getRun(projectId, runId);
      expect(run?.data.params).toEqual([{ key: 'lr', value: '0.01' }]);
      expect(run?.data.metrics).toEqual([metric('m', 1, 1, 1)]);
    });

    it('rejects a changed param value and stores nothing of that batch', async () => {
      const { projectId, runId } = await activeRun(store(), 'batch-param-change');
      await store().logBatch(projectId, runId, { params: [{ key: 'lr', value: '0.01' }], metrics: [metric('kept', 1, 0, 1)], tags: [{ key: 'kept', value: 'yes' }] });
      await expectCode(
        store().logBatch(projectId, runId, {
          params: [{ key: 'fresh', value: 'new' }, { key: 'lr', value: '0.02' }],
          metrics: [metric('rejected', 5, 0, 2), metric('kept', 99, 5, 2)],
          tags: [{ key: 'rejected', value: 'yes' }, { key: 'kept', value: 'overwritten' }],
        }),
        'INVALID_PARAMETER_VALUE',
      );
      const run = await store().getRun(projectId, runId);
      expect(run?.data.params).toEqual([{ key: 'lr', value: '0.01' }]);
      expect(run?.data.metrics).toEqual([metric('kept', 1, 0, 1)]);
      expect(tagValue(run?.data.tags ?? [], 'rejected')).toBeUndefined();
      expect(tagValue(run?.data.tags ?? [], 'kept')).toBe('yes');
      expect(await history(store(), projectId, runId, 'rejected')).toEqual([]);
      expect(await history(store(), projectId, runId, 'kept')).toEqual([metric('kept', 1, 0, 1)]);
      expect(await store().getDownsampledMetric(projectId, runId, 'kept', 100)).toEqual([metric('kept', 1, 0, 1)]);
    });

    it('rejects one batch that gives a param two values', async () => {
      const { projectId, runId } = await activeRun(store(), 'batch-param-twice');
      await expectCode(
        store().logBatch(projectId, runId, { params: [{ key: 'p', value: 'a' }, { key: 'p', value: 'b' }], metrics: [metric('m', 1, 0, 0)], tags: [] }),
        'INVALID_PARAMETER_VALUE',
      );
      const run = await store().getRun(projectId, runId);
      expect(run?.data.params).toEqual([]);
      expect(run?.data.metrics).toEqual([]);
    });

    it('lets exactly one of two concurrent batches set a param', async () => {
      const { projectId, runId } = await activeRun(store(), 'batch-param-race');
      const batches = ['a', 'b'].map((value) => store().logBatch(projectId, runId, { params: [{ key: 'p', value }], metrics: [metric(`m-${value}`, 1, 0, 0)], tags: [] }));
      const outcomes = await Promise.allSettled(batches);
      const winners = ['a', 'b'].filter((_, index) => outcomes[index]?.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      const loser = outcomes.find((outcome) => outcome.status === 'rejected');
      expect(loser?.status === 'rejected' ? loser.reason : undefined).toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
      const run = await store().getRun(projectId, runId);
      expect(run?.data.params).toEqual([{ key: 'p', value: winners[0] }]);
      expect(run?.data.metrics.map((entry) => entry.key)).toEqual([`m-${winners[0] ?? ''}`]);
    });

    it('round-trips NaN, Infinity and -Infinity exactly', async () => {
      const { projectId, runId } = await activeRun(store(), 'batch-special');
      const values = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -1.5, 1e300, Number.MIN_VALUE];
      await store().logBatch(projectId, runId, { params: [], tags: [], metrics: values.map((value, step) => metric('odd', value, step, 1_000 + step)) });
      const points = await history(store(), projectId, runId, 'odd');
      expect(points.map((point) => point.step)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(Number.isNaN(points[0]?.value)).toBe(true);
      expect(points[1]?.value).toBe(Number.POSITIVE_INFINITY);
      expect(points[2]?.value).toBe(Number.NEGATIVE_INFINITY);
      expect(points.slice(3).map((point) => point.value)).toEqual([0, -1.5, 1e300, Number.MIN_VALUE]);
      for (const [key, value] of [['nan', Number.NaN], ['inf', Number.POSITIVE_INFINITY], ['ninf', Number.NEGATIVE_INFINITY]] as const) {
        await store().logBatch(projectId, runId, { params: [], tags: [], metrics: [metric(key, value, 3, 3)] });
      }
      const latest = new Map(((await store().getRun(projectId, runId))?.data.metrics ?? []).map((entry) => [entry.key, entry.value]));
      expect(Number.isNaN(latest.get('nan'))).toBe(true);
      expect(latest.get('inf')).toBe(Number.POSITIVE_INFINITY);
      expect(latest.get('ninf')).toBe(Number.NEGATIVE_INFINITY);
      expect(latest.get('odd')).toBe(Number.MIN_VALUE);
    });

    it('reads back latest metrics, params and tags exactly: every double, large steps and timestamps, and awkward text', async () => {
      const { projectId, runId } = await activeRun(store(), 'batch-exact');
      const doubles = [0.1 + 0.2, 1 / 3, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 53 + 2, -123.456e-200, 1e21, 123456789.12345679, Math.PI * 1e-7];
      const metrics = doubles.map((value, index) => metric(`d${index}`, value, 2 ** 40 + index, 4_102_444_800_000 + index));
      metrics.push(metric('negative-step', 7, -3, 1));
      const texts = ['"quoted" and \\back\\slashes', '{"a":[1,2]}', 'null', '9.0e+999', 'tab\tnew\nline\u0001\u001f', 'ünïcödé 日本語 🚀', ' leading and trailing ', 'x'.repeat(6_000)];
      const params = texts.map((value, index) => ({ key: `p${index}`, value }));
      const tags = texts.map((value, index) => ({ key: `t${index} ${value.slice(0, 20)}`, value }));
      await store().logBatch(projectId, runId, { params, metrics, tags });
      const run = await store().getRun(projectId, runId);
      const byKey = new Map((run?.data.metrics ?? []).map((entry) => [entry.key, entry]));
      for (const expected of metrics) expect(byKey.get(expected.key)).toEqual(expected);
      expect(sortedPairs(run?.data.params ?? [])).toEqual(sortedPairs(params));
      for (const tag of tags) expect(tagValue(run?.data.tags ?? [], tag.key)).toBe(tag.value);
      // The same through search, which reads a page of runs the same way.
      const experimentId = run?.info.experimentId ?? '';
      const page = await store().searchRuns(projectId, { experimentIds: [experimentId], filter: [], orderBy: [], maxResults: 10, pageToken: undefined, viewType: 'ACTIVE_ONLY' });
      expect(page.items.find((item) => item.info.runId === runId)?.data).toEqual(run?.data);
    });

    it('keeps as latest metric the one with the highest step, then the latest timestamp', async () => {
      const { projectId, runId } = await activeRun(store(), 'batch-latest');
      const latest = async (): Promise<Metric | undefined> => (await store().getRun(projectId, runId))?.data.metrics.find((entry) => entry.key === 'loss');
      await store().logBatch(projectId, runId, { params: [], tags: [], metrics: [metric('loss', 1, 5, 100), metric('loss', 2, 3, 900)] });
      expect(await latest()).toEqual(metric('loss', 1, 5, 100));
      await store().logBatch(projectId, runId, { params: [], tags: [], metrics: [metric('loss', 3, 4, 5_000)] });
      expect(await latest()).toEqual(metric('loss', 1, 5, 100));
      await store().logBatch(projectId, runId, { params: [], tags: [], metrics: [metric('loss', 4, 5, 150)] });
      expect(await latest()).toEqual(metric('loss', 4, 5, 150));
      await store().logBatch(projectId, runId, { params: [], tags: [], metrics: [metric('loss', 5, 5, 120)] });
      expect(await latest()).toEqual(metric('loss', 4, 5, 150));
      await store().logBatch(projectId, runId, { params: [], tags: [], metrics: [metric('loss', 6, 6, 1), metric('loss', 7, 6, 2), metric('loss', 8, 2, 3)] });
      expect(await latest()).toEqual(metric('loss', 7, 6, 2));
      expect(await history(store(), projectId, runId, 'loss')).toHaveLength(8);
    });

    it('stores identical metric rows once', async () => {
      const { projectId, runId } = await activeRun(store(), 'batch-dedupe');
      const point = metric('acc', 0.5, 1, 10);
      await store().logBatch(projectId, runId, { params: [], tags: [], metrics: [point, point, metric('acc', 0.5, 1, 11)] });
      await store().logBatch(projectId, runId, { params: [], tags: [], metrics: [point] });
      expect(await history(store(), projectId, runId, 'acc')).toEqual([point, metric('acc', 0.5, 1, 11)]);
      expect(await store().getDownsampledMetric(projectId, runId, 'acc', 2)).toEqual([point, metric('acc', 0.5, 1, 11)]);
    });
  });
}
