import { beforeAll, describe, expect, it } from 'vitest';
import type { KeelStore, Metric } from '@keel/spec';
import { collectPages, expectCode, metric, newExperiment, newProject, newRun, type OpenStore, useStore } from './contract-helpers.ts';

async function activeRun(store: KeelStore, label: string): Promise<{ projectId: number; runId: string }> {
  const projectId = await newProject(store, label);
  const experimentId = await newExperiment(store, projectId, 'metrics');
  const run = await newRun(store, projectId, experimentId);
  return { projectId, runId: run.info.runId };
}

async function logAll(store: KeelStore, projectId: number, runId: string, metrics: readonly Metric[], chunk = 1_000): Promise<void> {
  for (let start = 0; start < metrics.length; start += chunk) {
    await store.logBatch(projectId, runId, { params: [], tags: [], metrics: metrics.slice(start, start + chunk) });
  }
}

const byStepThenTime = (a: Metric, b: Metric): number => a.step - b.step || a.timestamp - b.timestamp;

/** A smooth wave with one spike up and one spike down at known steps. */
const spikeUp = 12_345;
const spikeDown = 777;
function wave(step: number): number {
  if (step === spikeUp) return 1_000;
  if (step === spikeDown) return -1_000;
  return Math.sin(step / 300) * 10 + step / 5_000;
}

function expectDownsampled(points: readonly Metric[], source: ReadonlyMap<number, Metric>, maxPoints: number): void {
  expect(points.length).toBeGreaterThan(0);
  expect(points.length).toBeLessThanOrEqual(maxPoints + 2);
  for (let index = 1; index < points.length; index += 1) {
    expect(points[index]?.step).toBeGreaterThan(points[index - 1]?.step ?? Number.NEGATIVE_INFINITY);
  }
  for (const point of points) expect(point).toEqual(source.get(point.step));
}

export function describeMetricContract(open: OpenStore): void {
  describe('metric history', () => {
    const store = useStore(open);

    it('returns the history ordered by step, then timestamp', async () => {
      const { projectId, runId } = await activeRun(store(), 'history-order');
      const points = [metric('m', 3, 2, 50), metric('m', 1, 0, 70), metric('m', 2, 1, 10), metric('m', 4, 2, 40), metric('other', 9, 0, 1)];
      await store().logBatch(projectId, runId, { params: [], tags: [], metrics: points.slice(0, 2) });
      await store().logBatch(projectId, runId, { params: [], tags: [], metrics: points.slice(2) });
      const page = await store().getMetricHistory(projectId, runId, 'm', { maxResults: 100, pageToken: undefined });
      expect(page.items).toEqual([metric('m', 1, 0, 70), metric('m', 2, 1, 10), metric('m', 4, 2, 40), metric('m', 3, 2, 50)]);
      expect(page.nextPageToken).toBeUndefined();
      expect((await store().getMetricHistory(projectId, runId, 'absent', { maxResults: 10, pageToken: undefined })).items).toEqual([]);
    });

    it('pages through the history with every point exactly once, special values included', async () => {
      const { projectId, runId } = await activeRun(store(), 'history-pages');
      const specials = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN];
      const points: Metric[] = [];
      for (let step = 0; step < 40; step += 1) {
        points.push(metric('m', specials[step % 5] ?? step / 7, step, 1_000 + step));
        if (step % 4 === 0) points.push(metric('m', -step - 1, step, 2_000 + step));
      }
      await logAll(store(), projectId, runId, [...points].reverse(), 13);
      const expected = [...points].sort(byStepThenTime);
      for (const pageSize of [1, 3, 7, 50]) {
        const all = await collectPages((pageToken) => store().getMetricHistory(projectId, runId, 'm', { maxResults: pageSize, pageToken }), pageSize);
        expect(all).toEqual(expected);
      }
    });

    it('restricts the history to startStep..endStep', async () => {
      const { projectId, runId } = await activeRun(store(), 'history-range');
      const points = Array.from({ length: 30 }, (_, step) => metric('m', step * 2, step, 10 * step));
      await logAll(store(), projectId, runId, points);
      const inRange = (await store().getMetricHistory(projectId, runId, 'm', { maxResults: 100, pageToken: undefined, startStep: 10, endStep: 19 })).items;
      expect(inRange).toEqual(points.slice(10, 20));
      const paged = await collectPages((pageToken) => store().getMetricHistory(projectId, runId, 'm', { maxResults: 4, pageToken, startStep: 25 }), 4);
      expect(paged).toEqual(points.slice(25));
      const upTo = (await store().getMetricHistory(projectId, runId, 'm', { maxResults: 100, pageToken: undefined, endStep: 2 })).items;
      expect(upTo).toEqual(points.slice(0, 3));
    });

    it('rejects a bad page token with INVALID_PARAMETER_VALUE', async () => {
      const { projectId, runId } = await activeRun(store(), 'history-token');
      await store().logBatch(projectId, runId, { params: [], tags: [], metrics: [metric('m', 1, 0, 0), metric('m', 2, 1, 0)] });
      const query = (pageToken: string) => store().getMetricHistory(projectId, runId, 'm', { maxResults: 1, pageToken });
      await expectCode(query('%%% not a token %%%'), 'INVALID_PARAMETER_VALUE');
      await expectCode(query(Buffer.from('{"after":"x"}').toString('base64url')), 'INVALID_PARAMETER_VALUE');
      await expectCode(query(Buffer.from('[1,2,3]').toString('base64url')), 'INVALID_PARAMETER_VALUE');
    });
  });

  describe('downsampled metrics', () => {
    const store = useStore(open);
    const series = Array.from({ length: 20_000 }, (_, step) => metric('wave', wave(step), step, 1_000_000 + step));
    const byStep = new Map(series.map((point) => [point.step, point]));
    let projectId = 0;
    let runId = '';

    beforeAll(async () => {
      ({ projectId, runId } = await activeRun(store(), 'downsample'));
      // Out of order, so that the summaries are merged across batches.
      await logAll(store(), projectId, runId, series.slice(10_000));
      await logAll(store(), projectId, runId, series.slice(0, 10_000));
    });

    it('has the whole 20,000-point series', async () => {
      const all = await store().getMetricHistory(projectId, runId, 'wave', { maxResults: 50_000, pageToken: undefined });
      expect(all.items).toEqual(series);
      expect(all.nextPageToken).toBeUndefined();
    });

    it('keeps at most maxPoints points, ordered, with the global extremes', async () => {
      for (const maxPoints of [500, 101, 10]) {
        const points = await store().getDownsampledMetric(projectId, runId, 'wave', maxPoints);
        expectDownsampled(points, byStep, maxPoints);
        expect(points.length).toBeGreaterThanOrEqual(Math.min(maxPoints / 2, 5));
        expect(points).toContainEqual(byStep.get(spikeUp));
        expect(points).toContainEqual(byStep.get(spikeDown));
      }
    });

    it('honours startStep and endStep', async () => {
      const startStep = 5_003;
      const endStep = 14_999;
      const points = await store().getDownsampledMetric(projectId, runId, 'wave', 200, { startStep, endStep });
      expectDownsampled(points, byStep, 200);
      for (const point of points) {
        expect(point.step).toBeGreaterThanOrEqual(startStep);
        expect(point.step).toBeLessThanOrEqual(endStep);
      }
      const inRange = series.slice(startStep, endStep + 1);
      const lowest = inRange.reduce((a, b) => (b.value < a.value ? b : a));
      const highest = inRange.reduce((a, b) => (b.value > a.value ? b : a));
      expect(highest.step).toBe(spikeUp);
      expect(points).toContainEqual(lowest);
      expect(points).toContainEqual(highest);
      const withoutSpikes = await store().getDownsampledMetric(projectId, runId, 'wave', 40, { startStep: 1_000, endStep: 9_999 });
      expectDownsampled(withoutSpikes, byStep, 40);
      for (const point of withoutSpikes) expect(point.step >= 1_000 && point.step <= 9_999).toBe(true);
      const local = series.slice(1_000, 10_000);
      expect(withoutSpikes).toContainEqual(local.reduce((a, b) => (b.value < a.value ? b : a)));
      expect(withoutSpikes).toContainEqual(local.reduce((a, b) => (b.value > a.value ? b : a)));
    });

    it('returns every point when the range holds fewer than maxPoints', async () => {
      expect(await store().getDownsampledMetric(projectId, runId, 'wave', 500, { startStep: 100, endStep: 199 })).toEqual(series.slice(100, 200));
      expect(await store().getDownsampledMetric(projectId, runId, 'wave', 500, { startStep: 19_990 })).toEqual(series.slice(19_990));
      expect(await store().getDownsampledMetric(projectId, runId, 'wave', 500, { startStep: 30_000 })).toEqual([]);
      expect(await store().getDownsampledMetric(projectId, runId, 'absent', 500)).toEqual([]);
    });

    it('returns a short series whole', async () => {
      const small = await activeRun(store(), 'downsample-small');
      const points = Array.from({ length: 300 }, (_, index) => metric('short', Math.cos(index), index * 3, 5 * index));
      await logAll(store(), small.projectId, small.runId, points, 70);
      expect(await store().getDownsampledMetric(small.projectId, small.runId, 'short', 500)).toEqual(points);
      expect(await store().getDownsampledMetric(small.projectId, small.runId, 'short', 300)).toEqual(points);
    });

    it('keeps a lone far point once, after a dense stretch', async () => {
      const sparse = await activeRun(store(), 'downsample-sparse');
      const points = [...Array.from({ length: 2_000 }, (_, step) => metric('far', step % 17, step, step)), metric('far', 42, 1_000_000, 5)];
      await logAll(store(), sparse.projectId, sparse.runId, points);
      const downsampled = await store().getDownsampledMetric(sparse.projectId, sparse.runId, 'far', 100);
      const source = new Map(points.map((point) => [point.step, point]));
      expectDownsampled(downsampled, source, 100);
      expect(downsampled.filter((point) => point.step === 1_000_000)).toEqual([metric('far', 42, 1_000_000, 5)]);
      expect(downsampled).toContainEqual(metric('far', 0, 0, 0));
    });
  });
}
