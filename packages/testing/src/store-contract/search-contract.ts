import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSearchQuery, SearchComparison } from '@keel/spec';
import { collectPages, expectCode, metric, newExperiment, newProject, newRun, type OpenStore, useStore } from './contract-helpers.ts';

interface Seeded {
  projectId: number;
  otherProjectId: number;
  experiments: string[];
  /** Run ids by label. */
  runs: Record<'cnnA' | 'rnnB' | 'noAccC' | 'deletedD' | 'secondExpE', string>;
  foreignRun: string;
}

export function describeSearchContract(open: OpenStore): void {
  describe('searchRuns', () => {
    const store = useStore(open);
    let seeded: Seeded;

    beforeAll(async () => {
      const s = store();
      const projectId = await newProject(s, 'search-runs');
      const otherProjectId = await newProject(s, 'search-runs-other');
      const first = await newExperiment(s, projectId, 'first');
      const second = await newExperiment(s, projectId, 'second');
      const log = async (runId: string, acc: number | undefined, model: string, team: string): Promise<void> => {
        await s.logBatch(projectId, runId, {
          metrics: acc === undefined ? [metric('loss', 1, 0, 0)] : [metric('acc', acc, 1, 5), metric('loss', 1 - acc, 1, 5)],
          params: [{ key: 'model', value: model }],
          tags: [{ key: 'team', value: team }],
        });
      };
      const cnnA = (await newRun(s, projectId, first, { runName: 'a', startTime: 5_000 })).info.runId;
      const rnnB = (await newRun(s, projectId, first, { runName: 'b', startTime: 4_000, userId: 'bob' })).info.runId;
      const noAccC = (await newRun(s, projectId, first, { runName: 'c', startTime: 3_000 })).info.runId;
      const deletedD = (await newRun(s, projectId, first, { runName: 'd', startTime: 2_000 })).info.runId;
      const secondExpE = (await newRun(s, projectId, second, { runName: 'e', startTime: 1_000 })).info.runId;
      await log(cnnA, 0.9, 'cnn', 'Vision');
      await log(rnnB, 0.7, 'rnn', 'vision');
      await log(noAccC, undefined, 'cnn', 'audio');
      await log(deletedD, 0.8, 'cnn', 'vision');
      await log(secondExpE, 0.95, 'mlp', 'vision');
      await s.updateRun(projectId, cnnA, { status: 'FINISHED', endTime: 6_000 });
      await s.updateRun(projectId, noAccC, { status: 'FAILED', endTime: 7_000 });
      await s.logInputs(projectId, cnnA, [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset: { name: 'mnist', digest: 'd1', sourceType: 'http', source: '{}' } }], []);
      await s.logInputs(projectId, rnnB, [{ tags: [], dataset: { name: 'cifar', digest: 'd2', sourceType: 'http', source: '{}' } }], []);
      await s.setRunLifecycle(projectId, deletedD, 'deleted', 9_000);
      // The other project has an experiment "0" too, with a run that matches every filter below.
      const foreignExperiment = await newExperiment(s, otherProjectId, 'first');
      const foreignRun = (await newRun(s, otherProjectId, foreignExperiment, { runName: 'x', startTime: 9_999 })).info.runId;
      await s.logBatch(otherProjectId, foreignRun, { metrics: [metric('acc', 0.99, 1, 5)], params: [{ key: 'model', value: 'cnn' }], tags: [{ key: 'team', value: 'Vision' }] });
      seeded = { projectId, otherProjectId, experiments: [first, second], runs: { cnnA, rnnB, noAccC, deletedD, secondExpE }, foreignRun };
    });

    const query = (overrides: Partial<RunSearchQuery> = {}): RunSearchQuery => ({
      experimentIds: seeded.experiments,
      filter: [],
      viewType: 'ACTIVE_ONLY',
      orderBy: [],
      maxResults: 1_000,
      pageToken: undefined,
      ...overrides,
    });
    const ids = async (overrides: Partial<RunSearchQuery> = {}, projectId = seeded.projectId): Promise<string[]> =>
      (await store().searchRuns(projectId, query(overrides))).items.map((run) => run.info.runId);
    const filtered = (...filter: SearchComparison[]) => ids({ filter });

    it('returns the active runs of the given experiments, newest first', async () => {
      const { cnnA, rnnB, noAccC, secondExpE } = seeded.runs;
      expect(await ids()).toEqual([cnnA, rnnB, noAccC, secondExpE]);
      expect(await ids({ experimentIds: [seeded.experiments[1] ?? ''] })).toEqual([secondExpE]);
      expect(await ids({ experimentIds: ['not-an-id'] })).toEqual([]);
    });

    it('returns whole runs', async () => {
      const [run] = (await store().searchRuns(seeded.projectId, query({ filter: [{ entity: 'attribute', key: 'run_id', operator: '=', value: seeded.runs.cnnA }] }))).items;
      expect(run?.info.status).toBe('FINISHED');
      expect(run?.data.params).toEqual([{ key: 'model', value: 'cnn' }]);
      expect(run?.data.metrics).toContainEqual(metric('acc', 0.9, 1, 5));
      expect(run?.inputs.datasetInputs.map((input) => input.dataset.name)).toEqual(['mnist']);
    });

    it('filters by metric, param and tag', async () => {
      const { cnnA, rnnB, noAccC, secondExpE } = seeded.runs;
      expect(await filtered({ entity: 'metric', key: 'acc', operator: '>', value: 0.75 })).toEqual([cnnA, secondExpE]);
      expect(await filtered({ entity: 'metric', key: 'acc', operator: '<=', value: 0.7 })).toEqual([rnnB]);
      expect(await filtered({ entity: 'param', key: 'model', operator: '=', value: 'cnn' })).toEqual([cnnA, noAccC]);
      expect(await filtered({ entity: 'param', key: 'model', operator: '!=', value: 'cnn' })).toEqual([rnnB, secondExpE]);
      expect(await filtered({ entity: 'tag', key: 'team', operator: 'LIKE', value: 'V%' })).toEqual([cnnA]);
      expect(await filtered({ entity: 'tag', key: 'team', operator: 'LIKE', value: 'v%' })).toEqual([rnnB, secondExpE]);
      expect(await filtered({ entity: 'tag', key: 'team', operator: 'ILIKE', value: 'VIS%' })).toEqual([cnnA, rnnB, secondExpE]);
      expect(await filtered({ entity: 'tag', key: 'nope', operator: '=', value: 'x' })).toEqual([]);
    });

    it('filters by attributes and datasets', async () => {
      const { cnnA, rnnB, noAccC } = seeded.runs;
      expect(await filtered({ entity: 'attribute', key: 'status', operator: '=', value: 'FINISHED' })).toEqual([cnnA]);
      expect(await filtered({ entity: 'attribute', key: 'run_id', operator: 'IN', value: [cnnA, noAccC, seeded.foreignRun] })).toEqual([cnnA, noAccC]);
      expect(await filtered({ entity: 'attribute', key: 'user_id', operator: '=', value: 'bob' })).toEqual([rnnB]);
      expect(await filtered({ entity: 'attribute', key: 'start_time', operator: '>=', value: 4_000 })).toEqual([cnnA, rnnB]);
      expect(await filtered({ entity: 'attribute', key: 'run_name', operator: 'ILIKE', value: 'A' })).toEqual([cnnA]);
      expect(await filtered({ entity: 'dataset', key: 'name', operator: '=', value: 'mnist' })).toEqual([cnnA]);
      expect(await filtered({ entity: 'dataset', key: 'context', operator: '=', value: 'train' })).toEqual([cnnA]);
      expect(await filtered({ entity: 'dataset', key: 'name', operator: 'IN', value: ['mnist', 'cifar'] })).toEqual([cnnA, rnnB]);
      await expectCode(filtered({ entity: 'attribute', key: 'no_such_attribute', operator: '=', value: 'x' }), 'INVALID_PARAMETER_VALUE');
    });

    it('joins comparisons with AND', async () => {
      const { cnnA } = seeded.runs;
      expect(
        await filtered(
          { entity: 'param', key: 'model', operator: '=', value: 'cnn' },
          { entity: 'metric', key: 'acc', operator: '>', value: 0.5 },
          { entity: 'tag', key: 'team', operator: 'ILIKE', value: 'vision' },
        ),
      ).toEqual([cnnA]);
      expect(await filtered({ entity: 'param', key: 'model', operator: '=', value: 'rnn' }, { entity: 'attribute', key: 'status', operator: '=', value: 'FINISHED' })).toEqual([]);
    });

    it('orders by a metric with runs missing it last, in both directions', async () => {
      const { cnnA, rnnB, noAccC, secondExpE } = seeded.runs;
      expect(await ids({ orderBy: [{ entity: 'metric', key: 'acc', ascending: false }] })).toEqual([secondExpE, cnnA, rnnB, noAccC]);
      expect(await ids({ orderBy: [{ entity: 'metric', key: 'acc', ascending: true }] })).toEqual([rnnB, cnnA, secondExpE, noAccC]);
    });

    it('orders by a param and by an attribute', async () => {
      const { cnnA, rnnB, noAccC, secondExpE } = seeded.runs;
      expect(await ids({ orderBy: [{ entity: 'param', key: 'model', ascending: true }] })).toEqual([cnnA, noAccC, secondExpE, rnnB]);
      expect(await ids({ orderBy: [{ entity: 'param', key: 'model', ascending: false }] })).toEqual([rnnB, secondExpE, cnnA, noAccC]);
      expect(await ids({ orderBy: [{ entity: 'attribute', key: 'start_time', ascending: true }] })).toEqual([secondExpE, noAccC, rnnB, cnnA]);
    });

    it('orders by a nullable attribute with the runs lacking it last, in both directions', async () => {
      const { cnnA, rnnB, noAccC, secondExpE } = seeded.runs;
      expect(await ids({ orderBy: [{ entity: 'attribute', key: 'end_time', ascending: true }] })).toEqual([cnnA, noAccC, rnnB, secondExpE]);
      expect(await ids({ orderBy: [{ entity: 'attribute', key: 'end_time', ascending: false }] })).toEqual([noAccC, cnnA, rnnB, secondExpE]);
    });

    it('pages through every run exactly once, in the order of one page', async () => {
      const orderBy = [{ entity: 'metric' as const, key: 'acc', ascending: false }];
      const whole = await ids({ viewType: 'ALL', orderBy });
      expect(whole).toHaveLength(5);
      for (const pageSize of [1, 2, 4]) {
        const pages = await collectPages((pageToken) => store().searchRuns(seeded.projectId, query({ viewType: 'ALL', orderBy, maxResults: pageSize, pageToken })), pageSize);
        expect(pages.map((run) => run.info.runId)).toEqual(whole);
      }
      await expectCode(store().searchRuns(seeded.projectId, query({ pageToken: 'garbage!' })), 'INVALID_PARAMETER_VALUE');
    });

    it('orders ties, NaN and missing values the same on every page and backend', async () => {
      const s = store();
      const projectId = seeded.projectId;
      const experimentId = await newExperiment(s, projectId, 'metric-order');
      const runWith = async (label: string, startTime: number, score: number | undefined): Promise<string> => {
        const runId = (await newRun(s, projectId, experimentId, { runName: label, startTime })).info.runId;
        await s.logBatch(projectId, runId, { metrics: score === undefined ? [metric('other', 1, 0, 1)] : [metric('score', score, 0, 1)], params: [], tags: [] });
        return runId;
      };
      const low = await runWith('low', 100, 0.5);
      const highOld = await runWith('high-old', 200, 0.9);
      const nan = await runWith('nan', 300, Number.NaN);
      const missingOld = await runWith('missing-old', 400, undefined);
      const highNew = await runWith('high-new', 500, 0.9);
      const missingNew = await runWith('missing-new', 600, undefined);
      const base = { experimentIds: [experimentId] };
      const descending = [highNew, highOld, low, nan, missingNew, missingOld];
      const ascending = [low, highNew, highOld, nan, missingNew, missingOld];
      for (const [ascendingOrder, expected] of [[false, descending], [true, ascending]] as const) {
        const orderBy = [{ entity: 'metric' as const, key: 'score', ascending: ascendingOrder }];
        expect(await ids({ ...base, orderBy })).toEqual(expected);
        for (const pageSize of [1, 2, 4]) {
          const pages = await collectPages((pageToken) => s.searchRuns(projectId, query({ ...base, orderBy, maxResults: pageSize, pageToken })), pageSize);
          expect(pages.map((run) => run.info.runId)).toEqual(expected);
        }
      }
      const filtered = await ids({ ...base, orderBy: [{ entity: 'metric', key: 'score', ascending: false }], filter: [{ entity: 'attribute', key: 'start_time', operator: '>=', value: 300 }] });
      expect(filtered).toEqual([highNew, nan, missingNew, missingOld]);
    });

    it('selects deleted runs with DELETED_ONLY and all with ALL', async () => {
      const { cnnA, rnnB, noAccC, deletedD, secondExpE } = seeded.runs;
      expect(await ids({ viewType: 'DELETED_ONLY' })).toEqual([deletedD]);
      expect(await ids({ viewType: 'ALL' })).toEqual([cnnA, rnnB, noAccC, deletedD, secondExpE]);
      expect(await ids({ viewType: 'ALL', filter: [{ entity: 'metric', key: 'acc', operator: '=', value: 0.8 }] })).toEqual([deletedD]);
    });

    it('never returns a run of another project', async () => {
      const everything = [
        ...(await ids({ viewType: 'ALL', experimentIds: ['0', '1', '2'] })),
        ...(await ids({ viewType: 'ALL', experimentIds: ['0'], filter: [{ entity: 'metric', key: 'acc', operator: '>', value: 0.98 }] })),
      ];
      expect(everything).not.toContain(seeded.foreignRun);
      expect(await ids({ experimentIds: ['0', '1'], viewType: 'ALL' }, seeded.otherProjectId)).toEqual([seeded.foreignRun]);
      expect(await ids({ experimentIds: ['1'], viewType: 'ALL' }, seeded.otherProjectId)).toEqual([]);
      expect(await ids({ experimentIds: ['0'], filter: [{ entity: 'attribute', key: 'run_id', operator: '=', value: seeded.runs.cnnA }] }, seeded.otherProjectId)).toEqual([]);
    });
  });
}
