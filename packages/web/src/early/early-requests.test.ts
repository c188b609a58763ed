import { type FetchLike, createKeelClient } from '@keel/sdk/client';
import { describe, expect, it } from 'vitest';
import { matchProjectPage } from '../pages/page-paths.ts';
import { chartMaxPoints, earlyRequests, runPageRequests } from './early-requests.ts';
import { apiHeaders, earlyAwareFetch, putEarlyResponse } from './early-responses.ts';

const origin = 'http://127.0.0.1:4000';

/** The URLs and headers the SDK sends for `call`, answered with `answer`. */
async function sdkRequests(project: string, call: (client: ReturnType<typeof createKeelClient>) => Promise<unknown>, answer: unknown): Promise<{ url: string; headers: Record<string, string> }[]> {
  const seen: { url: string; headers: Record<string, string> }[] = [];
  const fetch: FetchLike = async (input, init) => {
    seen.push({ url: String(input), headers: init?.headers as Record<string, string> });
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  await call(createKeelClient({ baseUrl: origin, apiKey: 'k1', project, retry: false, fetch })).catch(() => undefined);
  return seen;
}

const url = (path: string): string => new URL(path, origin).toString();

describe('early requests of the run page', () => {
  const run = { info: { runId: 'r/1 x', experimentId: '7' }, data: { metrics: [{ key: 'loss/train', value: 1, timestamp: 1, step: 0 }, { key: 'acc 5%', value: 1, timestamp: 1, step: 0 }], params: [], tags: [] } };

  it('asks for the run, then its experiment and histories, with the URLs and headers the SDK uses', async () => {
    const match = matchProjectPage(`/p/${encodeURIComponent('my proj')}/runs/${encodeURIComponent('r/1 x')}`);
    expect(match?.page).toBe('run');
    expect(earlyRequests.run).toBe(runPageRequests);
    expect(match?.project).toBe('my proj');
    expect(match?.params).toEqual(['r/1 x']);
    const params = match?.params ?? [];
    const [sdkRun] = await sdkRequests('my proj', (client) => client.runs.get('r/1 x'), run);
    expect(runPageRequests.first(params).map(url)).toEqual([sdkRun?.url]);
    expect(sdkRun?.headers).toEqual(apiHeaders('k1', 'my proj'));

    const later = runPageRequests.then?.(params, run).map(url);
    const [sdkExperiment] = await sdkRequests('my proj', (client) => client.experiments.get('7'), {});
    // Histories in the order the page draws its charts (by key), not the order the run lists them.
    const drawn = ['acc 5%', 'loss/train'];
    const sdkHistories = await sdkRequests('my proj', (client) => Promise.all(drawn.map((key) => client.runs.metricHistory('r/1 x', key, { maxPoints: chartMaxPoints }))), { items: [] });
    expect(later).toEqual([sdkExperiment?.url, ...sdkHistories.map((request) => request.url)]);
  });

  it('matches only whole page paths that decode', () => {
    expect(matchProjectPage('/p/default/experiments/1')).toEqual({ page: 'runs', project: 'default', params: ['1'] });
    expect(matchProjectPage('/p/default/experiments')).toEqual({ page: 'experiments', project: 'default', params: [] });
    expect(matchProjectPage('/p/default/runs/abc/')?.params).toEqual(['abc']);
    expect(matchProjectPage('/p/default/runs/abc/extra')).toBeUndefined();
    expect(matchProjectPage('/p/default/runs/')).toBeUndefined();
    expect(matchProjectPage('/p//runs/abc')).toBeUndefined();
    expect(matchProjectPage('/sign-in')).toBeUndefined();
    expect(matchProjectPage('/p/%E0%A4%A/runs/abc')).toBeUndefined();
  });

  it('gives an early answer once, only to a GET with the same key and project', async () => {
    const target = url('/api/v1/runs/abc');
    putEarlyResponse(target, 'k1', 'default', Promise.resolve(new Response('{"early":true}')));
    const network: string[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = async (input) => {
      network.push(String(input));
      return new Response('{"early":false}');
    };
    try {
      const otherKey = await earlyAwareFetch(target, { method: 'GET', headers: apiHeaders('k2', 'default') });
      const otherProject = await earlyAwareFetch(target, { method: 'GET', headers: apiHeaders('k1', 'other') });
      const post = await earlyAwareFetch(target, { method: 'POST', headers: apiHeaders('k1', 'default') });
      const taken = await earlyAwareFetch(target, { method: 'GET', headers: apiHeaders('k1', 'default') });
      const again = await earlyAwareFetch(target, { method: 'GET', headers: apiHeaders('k1', 'default') });
      expect(await Promise.all([otherKey, otherProject, post, taken, again].map((response) => response.json()))).toEqual([{ early: false }, { early: false }, { early: false }, { early: true }, { early: false }]);
      expect(network).toHaveLength(4);
    } finally {
      globalThis.fetch = original;
    }
  });
});
