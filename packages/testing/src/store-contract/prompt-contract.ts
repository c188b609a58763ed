import { describe, expect, it } from 'vitest';
import type { KeelStore, NewPromptVersion } from '@keel/spec';
import { actorAt, collectPages, expectCode, newProject, type OpenStore, useStore } from './contract-helpers.ts';

const textVersion = (template: string, overrides: Partial<NewPromptVersion> = {}): NewPromptVersion => ({
  content: { type: 'text', template },
  variables: [],
  config: {},
  labels: [],
  commitMessage: '',
  authorName: '',
  ...overrides,
});

async function versionsOf(store: KeelStore, projectId: number, name: string, pageSize = 1_000): Promise<number[]> {
  const all = await collectPages((pageToken) => store.listPromptVersions(projectId, name, { maxResults: pageSize, pageToken }), pageSize);
  return all.map((version) => version.version);
}

export function describePromptContract(open: OpenStore): void {
  describe('prompt registry', () => {
    const store = useStore(open);

    it('creates a prompt with its first version and numbers later versions 2, 3', async () => {
      const p = await newProject(store(), 'prompt-create');
      const first = await store().createPromptVersion(
        p,
        'greeting',
        textVersion('Hello {{name}}', { variables: ['name'], config: { model: 'gpt-4o', temperature: 0.2, nested: { a: [1, 2] } }, commitMessage: 'first', authorName: 'Ada', labels: ['production'] }),
        actorAt(1_500, 'key-1'),
      );
      expect(first).toEqual({
        type: 'text',
        template: 'Hello {{name}}',
        name: 'greeting',
        version: 1,
        variables: ['name'],
        config: { model: 'gpt-4o', temperature: 0.2, nested: { a: [1, 2] } },
        labels: ['latest', 'production'],
        commitMessage: 'first',
        createdBy: 'key-1',
        authorName: 'Ada',
        createdAt: 1_500,
      });
      const chat = await store().createPromptVersion(
        p,
        'greeting',
        { ...textVersion(''), content: { type: 'chat', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi {{name}} ünïcødé' }] }, variables: ['name'] },
        actorAt(1_600),
      );
      expect(chat).toMatchObject({ type: 'chat', version: 2, labels: ['latest'], messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi {{name}} ünïcødé' }] });
      expect((await store().createPromptVersion(p, 'greeting', textVersion('v3'), actorAt(1_700))).version).toBe(3);
      // `latest` moves with the newest version; stored labels stay where they were.
      expect((await store().getPromptVersion(p, 'greeting', { version: 1 }))?.labels).toEqual(['production']);
      expect((await store().getPromptVersion(p, 'greeting', { label: 'latest' }))?.version).toBe(3);
      expect((await store().getPromptVersion(p, 'greeting', { label: 'production' }))?.version).toBe(1);
      expect(await store().getPromptVersion(p, 'greeting', { label: 'staging' })).toBeUndefined();
      expect(await store().getPromptVersion(p, 'greeting', { version: 4 })).toBeUndefined();
      expect(await store().getPromptVersion(p, 'missing', { label: 'latest' })).toBeUndefined();
      expect(await store().getPromptSummary(p, 'greeting')).toEqual({ name: 'greeting', type: 'text', latestVersion: 3, labels: [{ label: 'production', version: 1 }], createdAt: 1_500, updatedAt: 1_700 });
    });

    it('keeps prompts of different projects apart', async () => {
      const p = await newProject(store(), 'prompt-iso-a');
      const q = await newProject(store(), 'prompt-iso-b');
      await store().createPromptVersion(p, 'shared-name', textVersion('a'), actorAt(10));
      await store().createPromptVersion(p, 'shared-name', textVersion('a2'), actorAt(11));
      expect(await store().getPromptVersion(q, 'shared-name', { version: 1 })).toBeUndefined();
      expect(await store().getPromptSummary(q, 'shared-name')).toBeUndefined();
      expect((await store().listPrompts(q, { maxResults: 10 })).items).toEqual([]);
      await expectCode(store().setPromptLabel(q, 'shared-name', 'production', 1, actorAt(12)), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().listPromptVersions(q, 'shared-name', { maxResults: 10 }), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().listPromptLabelEvents(q, 'shared-name', { limit: 10 }), 'RESOURCE_DOES_NOT_EXIST');
      // The same name in another project starts again at version 1.
      expect((await store().createPromptVersion(q, 'shared-name', textVersion('b'), actorAt(13))).version).toBe(1);
    });

    it('moves a label in one step (deploy, roll back) and keeps the history of moves', async () => {
      const p = await newProject(store(), 'prompt-labels');
      for (let index = 1; index <= 3; index += 1) await store().createPromptVersion(p, 'bot', textVersion(`v${index}`), actorAt(100 + index));
      expect(await store().setPromptLabel(p, 'bot', 'production', 2, actorAt(200, 'key-a'))).toEqual({ previousVersion: null });
      expect(await store().setPromptLabel(p, 'bot', 'production', 3, actorAt(201, 'key-b'))).toEqual({ previousVersion: 2 });
      expect(await store().setPromptLabel(p, 'bot', 'production', 1, actorAt(202, 'key-a'))).toEqual({ previousVersion: 3 });
      await store().setPromptLabel(p, 'bot', 'staging', 3, actorAt(203));
      expect((await store().getPromptVersion(p, 'bot', { label: 'production' }))?.version).toBe(1);
      expect((await store().getPromptVersion(p, 'bot', { version: 3 }))?.labels).toEqual(['latest', 'staging']);
      await expectCode(store().setPromptLabel(p, 'bot', 'production', 9, actorAt(204)), 'RESOURCE_DOES_NOT_EXIST');
      await expectCode(store().setPromptLabel(p, 'nobody', 'production', 1, actorAt(204)), 'RESOURCE_DOES_NOT_EXIST');
      await store().deletePromptLabel(p, 'bot', 'staging', actorAt(205, 'key-c'));
      await expectCode(store().deletePromptLabel(p, 'bot', 'staging', actorAt(206)), 'RESOURCE_DOES_NOT_EXIST');
      expect(await store().getPromptVersion(p, 'bot', { label: 'staging' })).toBeUndefined();

      const events = await store().listPromptLabelEvents(p, 'bot', { limit: 100 });
      expect(events.map(({ label, fromVersion, toVersion, actor, at }) => ({ label, fromVersion, toVersion, actor, at }))).toEqual([
        { label: 'staging', fromVersion: 3, toVersion: null, actor: 'key-c', at: 205 },
        { label: 'staging', fromVersion: null, toVersion: 3, actor: 'key-admin', at: 203 },
        { label: 'production', fromVersion: 3, toVersion: 1, actor: 'key-a', at: 202 },
        { label: 'production', fromVersion: 2, toVersion: 3, actor: 'key-b', at: 201 },
        { label: 'production', fromVersion: null, toVersion: 2, actor: 'key-a', at: 200 },
      ]);
      expect(events.every((event) => event.promptName === 'bot')).toBe(true);
      expect((await store().listPromptLabelEvents(p, 'bot', { limit: 2, label: 'production' })).map((event) => event.toVersion)).toEqual([1, 3]);
      // Labels given at creation are moves too.
      await store().createPromptVersion(p, 'bot', textVersion('v4', { labels: ['production'] }), actorAt(300));
      expect((await store().listPromptLabelEvents(p, 'bot', { limit: 1 }))[0]).toMatchObject({ label: 'production', fromVersion: 1, toVersion: 4, at: 300 });
    });

    it('lists prompts by name and versions newest first, page by page', async () => {
      const p = await newProject(store(), 'prompt-list');
      const names = ['alpha', 'beta', 'delta', 'epsilon', 'gamma'];
      for (const [index, name] of names.entries()) {
        for (let version = 0; version <= index; version += 1) await store().createPromptVersion(p, name, textVersion(`${name} ${version}`), actorAt(1_000 + version));
      }
      const all = await collectPages((pageToken) => store().listPrompts(p, { maxResults: 2, pageToken }), 2);
      expect(all.map((summary) => `${summary.name}@${summary.latestVersion}`)).toEqual(['alpha@1', 'beta@2', 'delta@3', 'epsilon@4', 'gamma@5']);
      expect(await versionsOf(store(), p, 'gamma', 2)).toEqual([5, 4, 3, 2, 1]);
      expect(await versionsOf(store(), p, 'gamma')).toEqual([5, 4, 3, 2, 1]);
      await expectCode(store().listPrompts(p, { maxResults: 2, pageToken: 'not-a-token' }), 'INVALID_PARAMETER_VALUE');
      await expectCode(store().listPromptVersions(p, 'gamma', { maxResults: 2, pageToken: Buffer.from('{"after":"x"}').toString('base64url') }), 'INVALID_PARAMETER_VALUE');
    });

    it('gives concurrent versions distinct consecutive numbers, also for a prompt created by both at once', async () => {
      const p = await newProject(store(), 'prompt-concurrent');
      const created = await Promise.all(Array.from({ length: 8 }, (_, index) => store().createPromptVersion(p, 'raced', textVersion(`t${index}`, { labels: index % 2 === 0 ? ['production'] : [] }), actorAt(10 + index))));
      expect(created.map((version) => version.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(new Set(created.map((version) => (version.type === 'text' ? version.template : ''))).size).toBe(8);
      expect((await store().getPromptSummary(p, 'raced'))?.latestVersion).toBe(8);
      expect(await versionsOf(store(), p, 'raced')).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
      expect((await store().listPromptLabelEvents(p, 'raced', { limit: 100 })).length).toBe(4);
    });
  });
}
