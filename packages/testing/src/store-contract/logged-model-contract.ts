import { describe, expect, it } from 'vitest';
import type { NewLoggedModel } from '@keel/spec';
import { collectPages, expectCode, newExperiment, newProject, type OpenStore, sortedPairs, useStore } from './contract-helpers.ts';

let modelCounter = 0;

function loggedModel(experimentId: string, overrides: Partial<NewLoggedModel> = {}): NewLoggedModel {
  modelCounter += 1;
  return {
    modelId: `m-${String(modelCounter).padStart(6, '0')}`,
    experimentId,
    name: `model-${modelCounter}`,
    sourceRunId: 'run-1',
    modelType: 'sklearn',
    artifactUri: `mem://models/${modelCounter}`,
    creatorId: 'alice',
    tags: [],
    params: [],
    now: 1_000 + modelCounter,
    ...overrides,
  };
}

export function describeLoggedModelContract(open: OpenStore): void {
  describe('logged models', () => {
    const store = useStore(open);

    it('creates a logged model as PENDING with its tags and params', async () => {
      const p = await newProject(store(), 'lm-create');
      const experimentId = await newExperiment(store(), p, 'models');
      const input = loggedModel(experimentId, { tags: [{ key: 'b', value: '2' }, { key: 'a', value: '1' }], params: [{ key: 'alpha', value: '0.5' }], now: 5_000 });
      const created = await store().createLoggedModel(p, input);
      expect({ ...created, tags: sortedPairs(created.tags) }).toEqual({
        modelId: input.modelId,
        experimentId,
        name: input.name,
        sourceRunId: 'run-1',
        status: 'LOGGED_MODEL_PENDING',
        modelType: 'sklearn',
        artifactUri: input.artifactUri,
        creationTimestamp: 5_000,
        lastUpdatedTimestamp: 5_000,
        creatorId: 'alice',
        tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }],
        params: [{ key: 'alpha', value: '0.5' }],
      });
      expect(await store().getLoggedModel(p, input.modelId)).toEqual(created);
      expect(await store().getLoggedModel(p, 'm-missing')).toBeUndefined();
      await expectCode(store().createLoggedModel(p, loggedModel('77')), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().createLoggedModel(p, { ...input, name: 'again' }), 'ALREADY_EXISTS');
      expect((await store().getLoggedModel(p, input.modelId))?.name).toBe(input.name);
    });

    it('updates status, tags and params', async () => {
      const p = await newProject(store(), 'lm-update');
      const experimentId = await newExperiment(store(), p, 'models');
      const input = loggedModel(experimentId, { tags: [{ key: 'keep', value: 'k' }, { key: 'drop', value: 'd' }], now: 100 });
      await store().createLoggedModel(p, input);
      const ready = await store().updateLoggedModelStatus(p, input.modelId, 'LOGGED_MODEL_READY', 200);
      expect(ready.status).toBe('LOGGED_MODEL_READY');
      expect(ready.lastUpdatedTimestamp).toBe(200);
      expect(ready.creationTimestamp).toBe(100);
      await store().setLoggedModelTags(p, input.modelId, [{ key: 'keep', value: 'kept' }, { key: 'new', value: 'n' }], 300);
      await store().deleteLoggedModelTag(p, input.modelId, 'drop');
      await expectCode(store().deleteLoggedModelTag(p, input.modelId, 'drop'), 'RESOURCE_DOES_NOT_EXIST');
      await store().logLoggedModelParams(p, input.modelId, [{ key: 'depth', value: '3' }, { key: 'lr', value: '0.1' }]);
      const model = await store().getLoggedModel(p, input.modelId);
      expect(sortedPairs(model?.tags ?? [])).toEqual([{ key: 'keep', value: 'kept' }, { key: 'new', value: 'n' }]);
      expect(sortedPairs(model?.params ?? [])).toEqual([{ key: 'depth', value: '3' }, { key: 'lr', value: '0.1' }]);
      expect(model?.status).toBe('LOGGED_MODEL_READY');
      expect(model?.lastUpdatedTimestamp).toBe(300);
    });

    it('deletes a logged model', async () => {
      const p = await newProject(store(), 'lm-delete');
      const experimentId = await newExperiment(store(), p, 'models');
      const input = loggedModel(experimentId);
      await store().createLoggedModel(p, input);
      await store().deleteLoggedModel(p, input.modelId);
      expect(await store().getLoggedModel(p, input.modelId)).toBeUndefined();
      expect((await store().searchLoggedModels(p, [experimentId], 100, undefined)).items).toEqual([]);
      await expectCode(store().updateLoggedModelStatus(p, input.modelId, 'LOGGED_MODEL_READY', 1), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().setLoggedModelTags(p, input.modelId, [{ key: 'k', value: 'v' }], 1), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().deleteLoggedModel(p, input.modelId), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('searches logged models by experiment, page by page, within the project', async () => {
      const p = await newProject(store(), 'lm-search');
      const q = await newProject(store(), 'lm-search-other');
      const first = await newExperiment(store(), p, 'first');
      const second = await newExperiment(store(), p, 'second');
      const foreignExperiment = await newExperiment(store(), q, 'first');
      const inFirst = [];
      for (let index = 0; index < 5; index += 1) inFirst.push((await store().createLoggedModel(p, loggedModel(first))).modelId);
      const inSecond = (await store().createLoggedModel(p, loggedModel(second))).modelId;
      const foreign = (await store().createLoggedModel(q, loggedModel(foreignExperiment))).modelId;
      const search = async (experimentIds: string[], projectId = p) => (await store().searchLoggedModels(projectId, experimentIds, 100, undefined)).items.map((model) => model.modelId);
      expect(await search([first])).toEqual([...inFirst].reverse());
      expect(await search([second])).toEqual([inSecond]);
      expect((await search([first, second])).sort()).toEqual([...inFirst, inSecond].sort());
      expect((await search([])).sort()).toEqual([...inFirst, inSecond].sort());
      expect(await search(['0'], q)).toEqual([foreign]);
      expect(await search(['1'], q)).toEqual([]);
      expect(await store().getLoggedModel(q, inSecond)).toBeUndefined();
      for (const pageSize of [1, 2]) {
        const all = await collectPages((pageToken) => store().searchLoggedModels(p, [first], pageSize, pageToken), pageSize);
        expect(all.map((model) => model.modelId)).toEqual([...inFirst].reverse());
      }
    });
  });
}
