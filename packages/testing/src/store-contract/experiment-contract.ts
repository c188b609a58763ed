import { describe, expect, it } from 'vitest';
import type { ExperimentSearch, KeelStore } from '@keel/spec';
import { collectPages, expectCode, newExperiment, newProject, newRun, type OpenStore, sortedPairs, useStore } from './contract-helpers.ts';

const search = (overrides: Partial<ExperimentSearch> = {}): ExperimentSearch => ({
  viewType: 'ACTIVE_ONLY',
  filter: [],
  orderBy: [],
  maxResults: 1_000,
  pageToken: undefined,
  ...overrides,
});

async function names(store: KeelStore, projectId: number, query: Partial<ExperimentSearch>): Promise<string[]> {
  return (await store.searchExperiments(projectId, search(query))).items.map((experiment) => experiment.name);
}

export function describeExperimentContract(open: OpenStore): void {
  describe('experiments', () => {
    const store = useStore(open);

    it('numbers experiments per project from "0" and keeps every field', async () => {
      const a = await newProject(store(), 'exp-ids-a');
      const b = await newProject(store(), 'exp-ids-b');
      expect(await newExperiment(store(), a, 'first', { now: 100, tags: [{ key: 'team', value: 'vision' }] })).toBe('0');
      expect(await newExperiment(store(), a, 'second', { now: 200 })).toBe('1');
      expect(await newExperiment(store(), b, 'first', { now: 300 })).toBe('0');
      const explicit = await store().createExperiment(a, { name: 'third', artifactLocation: 's3://bucket/path', tags: [], now: 400 });
      expect(explicit).toBe('2');
      expect(await store().getExperiment(a, '0')).toEqual({
        experimentId: '0',
        name: 'first',
        artifactLocation: 'mem://artifacts/0',
        lifecycleStage: 'active',
        creationTime: 100,
        lastUpdateTime: 100,
        tags: [{ key: 'team', value: 'vision' }],
      });
      expect((await store().getExperiment(a, '2'))?.artifactLocation).toBe('s3://bucket/path');
      expect((await store().getExperiment(b, '0'))?.name).toBe('first');
      expect((await store().getExperiment(b, '0'))?.creationTime).toBe(300);
      expect(await store().getExperiment(a, '3')).toBeUndefined();
      expect(await store().getExperiment(a, 'not-a-number')).toBeUndefined();
    });

    it('gives concurrent creations distinct consecutive ids', async () => {
      const a = await newProject(store(), 'exp-concurrent');
      const ids = await Promise.all(Array.from({ length: 10 }, (_, index) => newExperiment(store(), a, `parallel-${index}`)));
      expect([...ids].sort((x, y) => Number(x) - Number(y))).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      for (const [index, id] of ids.entries()) expect((await store().getExperiment(a, id))?.name).toBe(`parallel-${index}`);
    });

    it('gets an experiment by name within its project only', async () => {
      const a = await newProject(store(), 'exp-name-a');
      const b = await newProject(store(), 'exp-name-b');
      const id = await newExperiment(store(), a, 'by-name', { now: 1_717_000_000_123 });
      const found = await store().getExperimentByName(a, 'by-name');
      expect(found?.experimentId).toBe(id);
      expect(found?.creationTime).toBe(1_717_000_000_123);
      expect(await store().getExperimentByName(a, 'By-Name')).toBeUndefined();
      expect(await store().getExperimentByName(b, 'by-name')).toBeUndefined();
    });

    it('rejects a duplicate name with ALREADY_EXISTS without using up an id', async () => {
      const a = await newProject(store(), 'exp-dup-a');
      const b = await newProject(store(), 'exp-dup-b');
      await newExperiment(store(), a, 'dup');
      await expectCode(newExperiment(store(), a, 'dup'), 'ALREADY_EXISTS');
      expect(await newExperiment(store(), b, 'dup')).toBe('0');
      expect(await newExperiment(store(), a, 'next')).toBe('1');
      expect((await store().searchExperiments(a, search({ viewType: 'ALL' }))).items).toHaveLength(2);
    });

    it('renames an experiment and rejects a taken name', async () => {
      const a = await newProject(store(), 'exp-rename');
      const id = await newExperiment(store(), a, 'old-name', { now: 10 });
      await newExperiment(store(), a, 'taken', { now: 10 });
      await store().renameExperiment(a, id, 'new-name', 99);
      const renamed = await store().getExperiment(a, id);
      expect(renamed?.name).toBe('new-name');
      expect(renamed?.lastUpdateTime).toBe(99);
      expect(renamed?.creationTime).toBe(10);
      expect(await store().getExperimentByName(a, 'old-name')).toBeUndefined();
      expect((await store().getExperimentByName(a, 'new-name'))?.experimentId).toBe(id);
      await expectCode(store().renameExperiment(a, id, 'taken', 100), 'ALREADY_EXISTS');
      expect((await store().getExperiment(a, id))?.name).toBe('new-name');
      await expectCode(store().renameExperiment(a, '42', 'whatever', 100), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('deleting an experiment marks its runs deleted and restoring brings them back', async () => {
      const a = await newProject(store(), 'exp-delete');
      const id = await newExperiment(store(), a, 'doomed');
      const other = await newExperiment(store(), a, 'bystander');
      const run1 = await newRun(store(), a, id);
      const run2 = await newRun(store(), a, id);
      const bystander = await newRun(store(), a, other);
      await store().setExperimentLifecycle(a, id, 'deleted', 500);
      const deleted = await store().getExperiment(a, id);
      expect(deleted?.lifecycleStage).toBe('deleted');
      expect(deleted?.lastUpdateTime).toBe(500);
      expect((await store().getRunInfo(a, run1.info.runId))?.lifecycleStage).toBe('deleted');
      expect((await store().getRunInfo(a, run2.info.runId))?.lifecycleStage).toBe('deleted');
      expect((await store().getRunInfo(a, bystander.info.runId))?.lifecycleStage).toBe('active');
      await expectCode(newRun(store(), a, id), 'INVALID_PARAMETER_VALUE');
      await store().setExperimentLifecycle(a, id, 'active', 600);
      expect((await store().getExperiment(a, id))?.lifecycleStage).toBe('active');
      expect((await store().getRunInfo(a, run1.info.runId))?.lifecycleStage).toBe('active');
      expect((await store().getRunInfo(a, run2.info.runId))?.lifecycleStage).toBe('active');
      await expect(newRun(store(), a, id)).resolves.toMatchObject({ info: { experimentId: id } });
    });

    it('sets, overwrites and deletes experiment tags', async () => {
      const a = await newProject(store(), 'exp-tags');
      const id = await newExperiment(store(), a, 'tagged', { now: 1, tags: [{ key: 'a', value: '1' }] });
      await store().setExperimentTag(a, id, { key: 'b', value: '2' }, 20);
      await store().setExperimentTag(a, id, { key: 'a', value: 'one' }, 30);
      let experiment = await store().getExperiment(a, id);
      expect(sortedPairs(experiment?.tags ?? [])).toEqual([{ key: 'a', value: 'one' }, { key: 'b', value: '2' }]);
      expect(experiment?.lastUpdateTime).toBe(30);
      await store().deleteExperimentTag(a, id, 'a');
      experiment = await store().getExperiment(a, id);
      expect(experiment?.tags).toEqual([{ key: 'b', value: '2' }]);
      await expectCode(store().deleteExperimentTag(a, id, 'a'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('hides experiments of another project', async () => {
      const a = await newProject(store(), 'exp-iso-a');
      const b = await newProject(store(), 'exp-iso-b');
      await newExperiment(store(), a, 'a-zero');
      await newExperiment(store(), a, 'a-one');
      const aTwo = await newExperiment(store(), a, 'a-two');
      await newExperiment(store(), b, 'b-zero');
      expect(await store().getExperiment(b, aTwo)).toBeUndefined();
      expect(await store().getExperimentByName(b, 'a-two')).toBeUndefined();
      await expectCode(store().renameExperiment(b, aTwo, 'stolen', 1), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().setExperimentTag(b, '1', { key: 'k', value: 'v' }, 1), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().setExperimentLifecycle(b, aTwo, 'deleted', 1), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(newRun(store(), b, aTwo), 'RESOURCE_DOES_NOT_EXIST');
      expect((await store().getExperiment(a, aTwo))?.name).toBe('a-two');
      expect(await names(store(), b, { viewType: 'ALL' })).toEqual(['b-zero']);
    });

    describe('search', () => {
      // Names sort the same under every collation: lowercase letters and digits after a fixed prefix.
      async function seed(): Promise<number> {
        const p = await newProject(store(), 'exp-search');
        await newExperiment(store(), p, 'train-a', { now: 1_000, tags: [{ key: 'team', value: 'vision' }] });
        await newExperiment(store(), p, 'train-b', { now: 2_000, tags: [{ key: 'team', value: 'audio' }] });
        await newExperiment(store(), p, 'Train-c', { now: 3_000, tags: [{ key: 'team', value: 'vision' }] });
        await newExperiment(store(), p, 'eval-d', { now: 4_000 });
        const deleted = await newExperiment(store(), p, 'train-e', { now: 5_000, tags: [{ key: 'team', value: 'vision' }] });
        await newExperiment(store(), p, 'eval-f', { now: 6_000 });
        await newExperiment(store(), p, 'train-g', { now: 7_000 });
        await store().setExperimentLifecycle(p, deleted, 'deleted', 8_000);
        return p;
      }

      it('filters by view type and orders newest first by default', async () => {
        const p = await seed();
        expect(await names(store(), p, {})).toEqual(['train-g', 'eval-f', 'eval-d', 'Train-c', 'train-b', 'train-a']);
        expect(await names(store(), p, { viewType: 'DELETED_ONLY' })).toEqual(['train-e']);
        expect(await names(store(), p, { viewType: 'ALL' })).toHaveLength(7);
      });

      it('filters names with case-sensitive LIKE and case-insensitive ILIKE', async () => {
        const p = await seed();
        const like = await names(store(), p, { filter: [{ entity: 'attribute', key: 'name', operator: 'LIKE', value: 'train-%' }] });
        expect(like.sort()).toEqual(['train-a', 'train-b', 'train-g']);
        const ilike = await names(store(), p, { filter: [{ entity: 'attribute', key: 'name', operator: 'ILIKE', value: 'TRAIN-%' }] });
        expect(ilike.sort()).toEqual(['Train-c', 'train-a', 'train-b', 'train-g']);
        const exact = await names(store(), p, { filter: [{ entity: 'attribute', key: 'name', operator: '=', value: 'eval-d' }] });
        expect(exact).toEqual(['eval-d']);
      });

      it('filters by tag, combined with other comparisons', async () => {
        const p = await seed();
        const vision = await names(store(), p, { filter: [{ entity: 'tag', key: 'team', operator: '=', value: 'vision' }] });
        expect(vision.sort()).toEqual(['Train-c', 'train-a']);
        const both = await names(store(), p, {
          viewType: 'ALL',
          filter: [
            { entity: 'tag', key: 'team', operator: '=', value: 'vision' },
            { entity: 'attribute', key: 'name', operator: 'LIKE', value: 'train-%' },
          ],
        });
        expect(both.sort()).toEqual(['train-a', 'train-e']);
        expect(await names(store(), p, { filter: [{ entity: 'tag', key: 'missing', operator: '=', value: 'x' }] })).toEqual([]);
      });

      it('orders by name and by creation time', async () => {
        const p = await seed();
        const filter = [{ entity: 'attribute' as const, key: 'name', operator: 'LIKE' as const, value: 'train-%' }];
        expect(await names(store(), p, { filter, orderBy: [{ entity: 'attribute', key: 'name', ascending: true }] })).toEqual(['train-a', 'train-b', 'train-g']);
        expect(await names(store(), p, { filter, orderBy: [{ entity: 'attribute', key: 'name', ascending: false }] })).toEqual(['train-g', 'train-b', 'train-a']);
        expect(await names(store(), p, { orderBy: [{ entity: 'attribute', key: 'creation_time', ascending: true }] })).toEqual([
          'train-a', 'train-b', 'Train-c', 'eval-d', 'eval-f', 'train-g',
        ]);
      });

      it('pages through every experiment exactly once', async () => {
        const p = await seed();
        for (const pageSize of [1, 2, 3, 7]) {
          const all = await collectPages((pageToken) => store().searchExperiments(p, search({ viewType: 'ALL', maxResults: pageSize, pageToken })), pageSize);
          expect(all.map((experiment) => experiment.experimentId).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6']);
        }
        await expectCode(store().searchExperiments(p, search({ pageToken: 'not a token' })), 'INVALID_PARAMETER_VALUE');
      });
    });
  });
}
