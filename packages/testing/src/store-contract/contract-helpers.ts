import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ErrorCode, KeelStore, KeyValue, Metric, NewRun, Page, RegistryActor, Run } from '@keel/spec';

/** Opens a new, empty store on every call. */
export type OpenStore = () => Promise<KeelStore>;

/**
 * One fresh store for the enclosing `describe`, closed after it. Tests of a block share the store
 * and isolate themselves by working in a project of their own (see `newProject`).
 */
export function useStore(open: OpenStore): () => KeelStore {
  let store: KeelStore | undefined;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });
  return () => {
    if (store === undefined) throw new Error('the contract store is not open');
    return store;
  };
}

let projectCounter = 0;

/** A project with a unique name; returns its id. */
export async function newProject(store: KeelStore, label = 'project'): Promise<number> {
  projectCounter += 1;
  return (await store.createProject(`${label}-${projectCounter}`, 1_000)).id;
}

export async function newExperiment(store: KeelStore, projectId: number, name: string, options: { now?: number; tags?: KeyValue[] } = {}): Promise<string> {
  return store.createExperiment(projectId, {
    name,
    artifactLocation: (experimentId) => `mem://artifacts/${experimentId}`,
    tags: options.tags ?? [],
    now: options.now ?? 1_000,
  });
}

export function newRunId(): string {
  return randomUUID().replaceAll('-', '');
}

export async function newRun(store: KeelStore, projectId: number, experimentId: string, overrides: Partial<NewRun> = {}): Promise<Run> {
  return store.createRun(projectId, {
    runId: newRunId(),
    experimentId,
    runName: 'run',
    userId: 'alice',
    startTime: 10_000,
    tags: [],
    artifactUri: (experiment, run) => `mem://artifacts/${experiment}/${run}/artifacts`,
    ...overrides,
  });
}

export const actorAt = (now: number, actor = 'key-admin'): RegistryActor => ({ actor, now });

/** Awaits `promise` and checks that it rejected with a KeelError-like object of `code`. */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await expect(promise).rejects.toMatchObject({ code });
}

/** Key/value pairs sorted by key, for order-insensitive comparison. */
export function sortedPairs(pairs: readonly KeyValue[]): KeyValue[] {
  return [...pairs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function tagValue(pairs: readonly KeyValue[], key: string): string | undefined {
  return pairs.find((pair) => pair.key === key)?.value;
}

/**
 * Follows page tokens from the first page to the last and returns every item in order. Fails when a
 * page is larger than `pageSize`, when a token repeats, or after `maxPages` pages.
 */
export async function collectPages<T>(fetch: (pageToken: string | undefined) => Promise<Page<T>>, pageSize: number, maxPages = 1_000): Promise<T[]> {
  const items: T[] = [];
  const seenTokens = new Set<string>();
  let token: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const result = await fetch(token);
    expect(result.items.length).toBeLessThanOrEqual(pageSize);
    items.push(...result.items);
    if (result.nextPageToken === undefined) return items;
    expect(seenTokens.has(result.nextPageToken)).toBe(false);
    seenTokens.add(result.nextPageToken);
    token = result.nextPageToken;
  }
  throw new Error(`pagination did not end after ${maxPages} pages`);
}

export const metric = (key: string, value: number, step: number, timestamp: number): Metric => ({ key, value, step, timestamp });
