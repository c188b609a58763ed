import { describe, expect, it } from 'vitest';
import type { GatewayKeyRecord, GatewayUsageDelta } from '@keel/spec';
import { expectCode, newProject, type OpenStore, useStore } from './contract-helpers.ts';

const key = (projectId: number, id: string, name: string, createdAt = 1_000): GatewayKeyRecord => ({ id, projectId, name, prefix: `keel-vk-${id.slice(0, 4)}`, createdAt, revokedAt: null });

const usage = (projectId: number, day: string, keyName: string, model: string, overrides: Partial<GatewayUsageDelta> = {}): GatewayUsageDelta => ({
  projectId, day, keyName, model, requests: 1, errors: 0, cacheHits: 0, inputTokens: 10, outputTokens: 5, estimatedRequests: 0, costMicros: 100, ...overrides,
});

export function describeGatewayContract(open: OpenStore): void {
  describe('gateway', () => {
    const store = useStore(open);

    it('stores a configuration document with a version that counts writes', async () => {
      const p = await newProject(store(), 'gw-config');
      expect(await store().getGatewayConfig(p)).toBeNull();
      const first = await store().putGatewayConfig(p, { providers: [{ name: 'openai', api_key: { encrypted: 'v1.x' } }], note: 'ünïcødé' }, 2_000);
      expect(first).toEqual({ projectId: p, document: { providers: [{ name: 'openai', api_key: { encrypted: 'v1.x' } }], note: 'ünïcødé' }, version: 1, updatedAt: 2_000 });
      expect(await store().getGatewayConfig(p)).toEqual(first);
      const second = await store().putGatewayConfig(p, { providers: [] }, 3_000);
      expect(second.version).toBe(2);
      expect(await store().getGatewayConfig(p)).toEqual({ projectId: p, document: { providers: [] }, version: 2, updatedAt: 3_000 });
      const versions = await store().listGatewayConfigVersions();
      expect(versions).toContainEqual({ projectId: p, version: 2 });
    });

    it('refuses a write whose expected version is stale with RESOURCE_CONFLICT and keeps the stored document', async () => {
      const p = await newProject(store(), 'gw-conflict');
      // 0 means "none stored yet".
      await store().putGatewayConfig(p, { a: 1 }, 1, 0);
      await expectCode(store().putGatewayConfig(p, { a: 2 }, 2, 0), 'RESOURCE_CONFLICT');
      await expectCode(store().putGatewayConfig(p, { a: 2 }, 2, 5), 'RESOURCE_CONFLICT');
      expect((await store().putGatewayConfig(p, { a: 3 }, 3, 1)).version).toBe(2);
      await expectCode(store().putGatewayConfig(p, { a: 4 }, 4, 1), 'RESOURCE_CONFLICT');
      expect(await store().getGatewayConfig(p)).toMatchObject({ document: { a: 3 }, version: 2 });
      const q = await newProject(store(), 'gw-conflict-new');
      await expectCode(store().putGatewayConfig(q, { a: 1 }, 1, 3), 'RESOURCE_CONFLICT');
      expect(await store().getGatewayConfig(q)).toBeNull();
    });

    it('lets exactly one of several concurrent writes with the same expected version win', async () => {
      const p = await newProject(store(), 'gw-race');
      await store().putGatewayConfig(p, { n: 0 }, 1);
      const results = await Promise.allSettled([1, 2, 3, 4].map((n) => store().putGatewayConfig(p, { n }, 2, 1)));
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'RESOURCE_CONFLICT' });
      expect((await store().getGatewayConfig(p))?.version).toBe(2);
    });

    it('finds a live key by its hash only, lists keys per project and revokes by name', async () => {
      const p = await newProject(store(), 'gw-keys');
      const q = await newProject(store(), 'gw-keys-other');
      await store().createGatewayKey(key(p, 'vk_a1', 'team-a', 1_000), 'hash-a1');
      await store().createGatewayKey(key(p, 'vk_b1', 'team-b', 1_100), 'hash-b1');
      await store().createGatewayKey(key(q, 'vk_q1', 'team-a', 1_200), 'hash-q1');
      expect(await store().findGatewayKeyByHash('hash-a1')).toEqual(key(p, 'vk_a1', 'team-a', 1_000));
      expect(await store().findGatewayKeyByHash('hash-missing')).toBeNull();
      expect((await store().listGatewayKeys(p)).map((record) => record.id)).toEqual(['vk_a1', 'vk_b1']);
      expect((await store().listGatewayKeys(q)).map((record) => record.id)).toEqual(['vk_q1']);

      // At most one live key per (project, name); the same name in another project is fine.
      await expectCode(store().createGatewayKey(key(p, 'vk_a2', 'team-a'), 'hash-a2'), 'ALREADY_EXISTS');
      expect(await store().findGatewayKeyByHash('hash-a2')).toBeNull();

      expect(await store().revokeGatewayKey(q, 'team-b', 1_500)).toBe(false);
      expect(await store().revokeGatewayKey(p, 'team-a', 1_500)).toBe(true);
      expect(await store().revokeGatewayKey(p, 'team-a', 1_600)).toBe(false);
      expect(await store().findGatewayKeyByHash('hash-a1')).toBeNull();
      expect(await store().findGatewayKeyByHash('hash-q1')).not.toBeNull();
      // Once revoked, the name can be issued again.
      await store().createGatewayKey(key(p, 'vk_a3', 'team-a', 2_000), 'hash-a3');
      expect((await store().listGatewayKeys(p)).map((record) => [record.id, record.revokedAt])).toEqual([['vk_a1', 1_500], ['vk_b1', null], ['vk_a3', null]]);
    });

    it('adds usage deltas to daily rows, several in one call and across calls', async () => {
      const p = await newProject(store(), 'gw-usage-add');
      await store().addGatewayUsage([]);
      await store().addGatewayUsage([usage(p, '2024-05-01', 'k1', 'gpt'), usage(p, '2024-05-01', 'k1', 'gpt', { errors: 1, costMicros: 250 })]);
      await Promise.all([
        store().addGatewayUsage([usage(p, '2024-05-01', 'k1', 'gpt', { cacheHits: 1, estimatedRequests: 1, inputTokens: 3_000_000_000 })]),
        store().addGatewayUsage([usage(p, '2024-05-01', 'k1', 'gpt', { outputTokens: 7 })]),
      ]);
      expect(await store().queryGatewayUsage({ projectId: p, fromDay: '2024-05-01', toDay: '2024-05-01', groupBy: ['day', 'key', 'model'] })).toEqual([
        { day: '2024-05-01', keyName: 'k1', model: 'gpt', requests: 4, errors: 1, cacheHits: 1, inputTokens: 3_000_000_030, outputTokens: 22, estimatedRequests: 1, costMicros: 550 },
      ]);
    });

    it('groups usage by any of day, key and model within a window and filters by key and model', async () => {
      const p = await newProject(store(), 'gw-usage-group');
      const q = await newProject(store(), 'gw-usage-other');
      await store().addGatewayUsage([
        usage(p, '2024-04-30', 'k1', 'gpt', { requests: 100 }),
        usage(p, '2024-05-01', 'k1', 'gpt', { requests: 1, costMicros: 10 }),
        usage(p, '2024-05-01', 'k2', 'gpt', { requests: 2, costMicros: 20 }),
        usage(p, '2024-05-01', '', 'claude', { requests: 4, costMicros: 40 }),
        usage(p, '2024-05-02', 'k1', 'claude', { requests: 8, costMicros: 80 }),
        usage(p, '2024-05-03', 'k1', 'gpt', { requests: 1_000 }),
        usage(q, '2024-05-01', 'k1', 'gpt', { requests: 10_000 }),
      ]);
      const window = { projectId: p, fromDay: '2024-05-01', toDay: '2024-05-02' };
      const pick = (rows: Awaited<ReturnType<ReturnType<typeof store>['queryGatewayUsage']>>) => rows.map((row) => [row.day, row.keyName, row.model, row.requests, row.costMicros]);
      expect(pick(await store().queryGatewayUsage({ ...window, groupBy: [] }))).toEqual([[null, null, null, 15, 150]]);
      expect(pick(await store().queryGatewayUsage({ ...window, groupBy: ['day'] }))).toEqual([['2024-05-01', null, null, 7, 70], ['2024-05-02', null, null, 8, 80]]);
      expect(pick(await store().queryGatewayUsage({ ...window, groupBy: ['model', 'key'] }))).toEqual([[null, '', 'claude', 4, 40], [null, 'k1', 'claude', 8, 80], [null, 'k1', 'gpt', 1, 10], [null, 'k2', 'gpt', 2, 20]]);
      expect(pick(await store().queryGatewayUsage({ ...window, groupBy: ['key'], model: 'gpt' }))).toEqual([[null, 'k1', null, 1, 10], [null, 'k2', null, 2, 20]]);
      expect(pick(await store().queryGatewayUsage({ ...window, groupBy: ['day', 'model'], keyName: 'k1' }))).toEqual([['2024-05-01', null, 'gpt', 1, 10], ['2024-05-02', null, 'claude', 8, 80]]);
      expect(await store().queryGatewayUsage({ ...window, groupBy: [], keyName: 'nobody' })).toEqual([]);
      expect(await store().queryGatewayUsage({ ...window, fromDay: '2023-01-01', toDay: '2023-12-31', groupBy: ['day'] })).toEqual([]);
    });
  });
}
