import { describe, expect, it } from 'vitest';
import type { KeelStore, NewModelVersion, RegistrySearch } from '@keel/spec';
import { actorAt, collectPages, expectCode, newProject, newRunId, type OpenStore, sortedPairs, useStore } from './contract-helpers.ts';

const registrySearch = (overrides: Partial<RegistrySearch> = {}): RegistrySearch => ({ filter: [], orderBy: [], maxResults: 1_000, pageToken: undefined, ...overrides });

const version = (overrides: Partial<NewModelVersion> = {}): NewModelVersion => ({
  source: 'models:/m-1',
  runId: 'run-1',
  modelId: 'm-1',
  runLink: '',
  description: '',
  userId: 'alice',
  tags: [],
  ...overrides,
});

async function newModel(store: KeelStore, projectId: number, name: string, now = 1_000, tags: { key: string; value: string }[] = []): Promise<void> {
  await store.createRegisteredModel(projectId, { name, description: '', userId: 'alice', tags }, actorAt(now));
}

export function describeRegistryContract(open: OpenStore): void {
  describe('model registry', () => {
    const store = useStore(open);

    it('creates a registered model and rejects a duplicate name', async () => {
      const p = await newProject(store(), 'reg-create');
      const q = await newProject(store(), 'reg-create-other');
      const created = await store().createRegisteredModel(p, { name: 'clf', description: 'a classifier', userId: 'alice', tags: [{ key: 'team', value: 'vision' }] }, actorAt(1_500));
      expect(created).toEqual({
        name: 'clf',
        creationTimestamp: 1_500,
        lastUpdatedTimestamp: 1_500,
        userId: 'alice',
        description: 'a classifier',
        latestVersions: [],
        tags: [{ key: 'team', value: 'vision' }],
        aliases: [],
      });
      expect(await store().getRegisteredModel(p, 'clf')).toEqual(created);
      await expectCode(newModel(store(), p, 'clf'), 'ALREADY_EXISTS');
      await newModel(store(), q, 'clf');
      expect(await store().getRegisteredModel(p, 'missing')).toBeUndefined();
      expect(await store().getRegisteredModel(q, 'clf')).toMatchObject({ name: 'clf', description: '' });
    });

    it('updates, renames and deletes a registered model', async () => {
      const p = await newProject(store(), 'reg-lifecycle');
      await newModel(store(), p, 'old');
      await newModel(store(), p, 'taken');
      const updated = await store().updateRegisteredModel(p, 'old', 'new description', actorAt(2_000));
      expect(updated.description).toBe('new description');
      expect(updated.lastUpdatedTimestamp).toBe(2_000);
      await store().createModelVersion(p, 'old', version(), actorAt(2_100));
      const renamed = await store().renameRegisteredModel(p, 'old', 'new', actorAt(2_200));
      expect(renamed.name).toBe('new');
      expect(renamed.description).toBe('new description');
      expect(await store().getRegisteredModel(p, 'old')).toBeUndefined();
      expect((await store().getModelVersion(p, 'new', '1'))?.name).toBe('new');
      await expectCode(store().renameRegisteredModel(p, 'new', 'taken', actorAt(2_300)), 'ALREADY_EXISTS');
      expect((await store().getRegisteredModel(p, 'new'))?.name).toBe('new');
      await store().deleteRegisteredModel(p, 'new', actorAt(2_400));
      expect(await store().getRegisteredModel(p, 'new')).toBeUndefined();
      expect(await store().getModelVersion(p, 'new', '1')).toBeUndefined();
      await expectCode(store().deleteRegisteredModel(p, 'new', actorAt(2_500)), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().updateRegisteredModel(p, 'gone', 'x', actorAt(2_500)), 'RESOURCE_DOES_NOT_EXIST');
      expect((await store().listRegistryEvents(p, 'new', { limit: 1 }))[0]).toMatchObject({ action: 'model_deleted', at: 2_400 });
      await newModel(store(), p, 'new');
      expect((await store().createModelVersion(p, 'new', version(), actorAt(2_600))).version).toBe('1');
    });

    it('searches registered models by name, tag and page', async () => {
      const p = await newProject(store(), 'reg-search');
      for (const [index, name] of ['cls-a', 'cls-b', 'Cls-c', 'det-d', 'cls-e'].entries()) {
        await newModel(store(), p, name, 1_000 + index, index % 2 === 0 ? [{ key: 'team', value: 'vision' }] : []);
      }
      const names = async (overrides: Partial<RegistrySearch>) => (await store().searchRegisteredModels(p, registrySearch(overrides))).items.map((model) => model.name);
      // Mixed case sorts differently under different collations: compare sets where it matters.
      const whole = await names({});
      expect([...whole].sort()).toEqual(['Cls-c', 'cls-a', 'cls-b', 'cls-e', 'det-d']);
      expect(await names({ filter: [{ entity: 'attribute', key: 'name', operator: 'LIKE', value: 'cls-%' }] })).toEqual(['cls-a', 'cls-b', 'cls-e']);
      expect((await names({ filter: [{ entity: 'attribute', key: 'name', operator: 'ILIKE', value: 'CLS-%' }] })).sort()).toEqual(['Cls-c', 'cls-a', 'cls-b', 'cls-e']);
      expect((await names({ filter: [{ entity: 'tag', key: 'team', operator: '=', value: 'vision' }] })).sort()).toEqual(['Cls-c', 'cls-a', 'cls-e']);
      expect(await names({ filter: [{ entity: 'attribute', key: 'name', operator: 'LIKE', value: 'cls-%' }], orderBy: [{ entity: 'attribute', key: 'name', ascending: false }] })).toEqual(['cls-e', 'cls-b', 'cls-a']);
      expect(await names({ orderBy: [{ entity: 'attribute', key: 'creation_timestamp', ascending: false }] })).toEqual(['cls-e', 'det-d', 'Cls-c', 'cls-b', 'cls-a']);
      for (const pageSize of [1, 2]) {
        const all = await collectPages((pageToken) => store().searchRegisteredModels(p, registrySearch({ maxResults: pageSize, pageToken })), pageSize);
        expect(all.map((model) => model.name)).toEqual(whole);
      }
      const other = await newProject(store(), 'reg-search-other');
      expect((await store().searchRegisteredModels(other, registrySearch())).items).toEqual([]);
    });

    it('numbers versions 1, 2, 3 and marks them READY', async () => {
      const p = await newProject(store(), 'reg-versions');
      await newModel(store(), p, 'm');
      const created = [];
      for (const n of [1, 2, 3]) {
        created.push(await store().createModelVersion(p, 'm', version({ source: `runs:/r${n}/model`, runId: `r${n}`, modelId: `m-${n}`, tags: [{ key: 'n', value: String(n) }] }), actorAt(3_000 + n)));
      }
      expect(created.map((entry) => entry.version)).toEqual(['1', '2', '3']);
      expect(created[1]).toEqual({
        name: 'm', version: '2', creationTimestamp: 3_002, lastUpdatedTimestamp: 3_002, userId: 'alice', currentStage: 'None', description: '',
        source: 'runs:/r2/model', runId: 'r2', modelId: 'm-2', status: 'READY', statusMessage: '', runLink: '', tags: [{ key: 'n', value: '2' }], aliases: [],
      });
      expect(await store().getModelVersion(p, 'm', '2')).toEqual(created[1]);
      expect(await store().getModelVersion(p, 'm', '4')).toBeUndefined();
      expect(await store().getModelVersion(p, 'm', 'latest')).toBeUndefined();
      expect((await store().getRegisteredModel(p, 'm'))?.latestVersions.map((entry) => entry.version)).toEqual(['3']);
      const updated = await store().updateModelVersion(p, 'm', '1', { description: 'first' }, actorAt(3_100));
      expect(updated).toMatchObject({ description: 'first', lastUpdatedTimestamp: 3_100, version: '1', currentStage: 'None' });
      expect((await store().updateModelVersion(p, 'm', '1', { stage: 'Production' }, actorAt(3_200))).currentStage).toBe('Production');
      const latest = (await store().getRegisteredModel(p, 'm'))?.latestVersions.map((entry) => `${entry.version}:${entry.currentStage}`);
      expect([...(latest ?? [])].sort()).toEqual(['1:Production', '3:None']);
      await store().deleteModelVersion(p, 'm', '3', actorAt(3_300));
      expect((await store().listRegistryEvents(p, 'm', { limit: 1 }))[0]).toMatchObject({ action: 'version_deleted', version: '3', at: 3_300 });
      expect((await store().getRegisteredModel(p, 'm'))?.latestVersions.map((entry) => entry.version).sort()).toEqual(['1', '2']);
      await expectCode(store().createModelVersion(p, 'no-model', version(), actorAt(1)), 'RESOURCE_DOES_NOT_EXIST');
      const other = await newProject(store(), 'reg-versions-other');
      expect(await store().getModelVersion(other, 'm', '1')).toBeUndefined();
      await expectCode(store().createModelVersion(other, 'm', version(), actorAt(1)), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('gives concurrent versions distinct consecutive numbers', async () => {
      const p = await newProject(store(), 'reg-concurrent');
      await newModel(store(), p, 'm');
      const created = await Promise.all(Array.from({ length: 8 }, (_, index) => store().createModelVersion(p, 'm', version({ runId: `r${index}` }), actorAt(10 + index))));
      expect(created.map((entry) => Number(entry.version)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const all = await collectPages((pageToken) => store().searchModelVersions(p, registrySearch({ maxResults: 3, pageToken })), 3);
      expect(all.map((entry) => entry.version)).toEqual(['8', '7', '6', '5', '4', '3', '2', '1']);
    });

    it('sets, overwrites and deletes tags of models and versions', async () => {
      const p = await newProject(store(), 'reg-tags');
      await newModel(store(), p, 'm', 1_000, [{ key: 'a', value: '1' }]);
      await store().createModelVersion(p, 'm', version({ tags: [{ key: 'x', value: '1' }] }), actorAt(1_100));
      await store().setRegisteredModelTag(p, 'm', { key: 'a', value: 'one' }, 1_200);
      await store().setRegisteredModelTag(p, 'm', { key: 'b', value: 'two' }, 1_200);
      await store().deleteRegisteredModelTag(p, 'm', 'b');
      const model = await store().getRegisteredModel(p, 'm');
      expect(model?.tags).toEqual([{ key: 'a', value: 'one' }]);
      expect(model?.lastUpdatedTimestamp).toBe(1_200);
      await store().setModelVersionTag(p, 'm', '1', { key: 'x', value: 'changed' }, 1_300);
      await store().setModelVersionTag(p, 'm', '1', { key: 'y', value: 'new' }, 1_300);
      await store().deleteModelVersionTag(p, 'm', '1', 'x');
      const tagged = await store().getModelVersion(p, 'm', '1');
      expect(sortedPairs(tagged?.tags ?? [])).toEqual([{ key: 'y', value: 'new' }]);
      expect(tagged?.lastUpdatedTimestamp).toBe(1_300);
      await expectCode(store().setModelVersionTag(p, 'm', '9', { key: 'k', value: 'v' }, 1), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('sets, moves, resolves and deletes aliases', async () => {
      const p = await newProject(store(), 'reg-aliases');
      await newModel(store(), p, 'm');
      for (const n of [1, 2, 3]) await store().createModelVersion(p, 'm', version({ runId: `r${n}` }), actorAt(2_000 + n));
      await store().setAlias(p, 'm', 'champion', '1', actorAt(3_000));
      await store().setAlias(p, 'm', 'shadow', '3', actorAt(3_001));
      expect((await store().getVersionByAlias(p, 'm', 'champion'))?.version).toBe('1');
      expect((await store().getModelVersion(p, 'm', '1'))?.aliases).toEqual(['champion']);
      await store().setAlias(p, 'm', 'champion', '2', actorAt(3_002));
      const champion = await store().getVersionByAlias(p, 'm', 'champion');
      expect(champion?.version).toBe('2');
      expect(champion?.aliases).toEqual(['champion']);
      expect((await store().getModelVersion(p, 'm', '1'))?.aliases).toEqual([]);
      expect((await store().getRegisteredModel(p, 'm'))?.aliases).toEqual([{ alias: 'champion', version: '2' }, { alias: 'shadow', version: '3' }]);
      await store().deleteAlias(p, 'm', 'shadow', actorAt(3_003));
      expect(await store().getVersionByAlias(p, 'm', 'shadow')).toBeUndefined();
      await expectCode(store().deleteAlias(p, 'm', 'shadow', actorAt(3_004)), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().setAlias(p, 'm', 'ghost', '9', actorAt(3_004)), 'RESOURCE_DOES_NOT_EXIST');
      await store().deleteModelVersion(p, 'm', '2', actorAt(3_005));
      expect(await store().getModelVersion(p, 'm', '2')).toBeUndefined();
      expect(await store().getVersionByAlias(p, 'm', 'champion')).toBeUndefined();
      expect((await store().getRegisteredModel(p, 'm'))?.aliases).toEqual([]);
      expect((await store().createModelVersion(p, 'm', version(), actorAt(3_006))).version).toBe('4');
      const other = await newProject(store(), 'reg-aliases-other');
      expect(await store().getVersionByAlias(other, 'm', 'champion')).toBeUndefined();
    });

    it('records registry events with actor and time, and they follow a rename', async () => {
      const p = await newProject(store(), 'reg-events');
      await store().createRegisteredModel(p, { name: 'm', description: '', userId: 'alice', tags: [] }, actorAt(100, 'key-a'));
      await store().createModelVersion(p, 'm', version({ runId: 'r1' }), actorAt(200, 'key-b'));
      await store().createModelVersion(p, 'm', version({ runId: 'r2' }), actorAt(300, 'key-b'));
      await store().setAlias(p, 'm', 'prod', '1', actorAt(400, 'key-c'));
      await store().setAlias(p, 'm', 'prod', '2', actorAt(500, 'key-c'));
      await store().deleteAlias(p, 'm', 'prod', actorAt(600, 'key-d'));
      const events = await store().listRegistryEvents(p, 'm', { limit: 100 });
      expect(events.map((event) => [event.action, event.version, event.alias, event.actor, event.at])).toEqual([
        ['alias_deleted', '2', 'prod', 'key-d', 600],
        ['alias_set', '2', 'prod', 'key-c', 500],
        ['alias_set', '1', 'prod', 'key-c', 400],
        ['version_created', '2', null, 'key-b', 300],
        ['version_created', '1', null, 'key-b', 200],
        ['model_created', null, null, 'key-a', 100],
      ]);
      expect(events.every((event) => event.modelName === 'm')).toBe(true);
      expect(events[1]?.details).toMatchObject({ previous_version: '1' });
      expect(events[2]?.details).toMatchObject({ previous_version: null });
      expect(new Set(events.map((event) => event.id)).size).toBe(6);
      expect((await store().listRegistryEvents(p, 'm', { limit: 2 })).map((event) => event.at)).toEqual([600, 500]);
      expect((await store().listRegistryEvents(p, 'm', { limit: 100, action: 'alias_set' })).map((event) => event.at)).toEqual([500, 400]);
      await store().renameRegisteredModel(p, 'm', 'renamed', actorAt(700, 'key-e'));
      expect(await store().listRegistryEvents(p, 'm', { limit: 100 })).toEqual([]);
      const moved = await store().listRegistryEvents(p, 'renamed', { limit: 100 });
      expect(moved).toHaveLength(7);
      expect(moved[0]).toMatchObject({ action: 'model_renamed', actor: 'key-e', at: 700, modelName: 'renamed' });
      expect(moved.slice(1).map((event) => event.at)).toEqual([600, 500, 400, 300, 200, 100]);
      expect(moved.every((event) => event.modelName === 'renamed')).toBe(true);
      const other = await newProject(store(), 'reg-events-other');
      expect(await store().listRegistryEvents(other, 'renamed', { limit: 100 })).toEqual([]);
    });

    it('lists the model versions of a run', async () => {
      const p = await newProject(store(), 'reg-lineage');
      const runId = newRunId();
      await newModel(store(), p, 'beta');
      await newModel(store(), p, 'alpha');
      await store().createModelVersion(p, 'beta', version({ runId }), actorAt(1));
      await store().createModelVersion(p, 'beta', version({ runId: 'unrelated' }), actorAt(2));
      await store().createModelVersion(p, 'beta', version({ runId }), actorAt(3));
      await store().createModelVersion(p, 'alpha', version({ runId }), actorAt(4));
      const lineage = await store().listModelVersionsForRun(p, runId);
      expect(lineage.map((entry) => `${entry.name}/${entry.version}`)).toEqual(['alpha/1', 'beta/1', 'beta/3']);
      expect(lineage.every((entry) => entry.runId === runId)).toBe(true);
      const other = await newProject(store(), 'reg-lineage-other');
      expect(await store().listModelVersionsForRun(other, runId)).toEqual([]);
      const found = await store().searchModelVersions(p, registrySearch({ filter: [{ entity: 'attribute', key: 'run_id', operator: '=', value: runId }] }));
      expect(found.items.map((entry) => `${entry.name}/${entry.version}`)).toEqual(['alpha/1', 'beta/3', 'beta/1']);
    });
  });
}
