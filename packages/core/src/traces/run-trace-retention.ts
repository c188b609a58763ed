import type { TraceStore } from '@keel/spec';

const dayUs = 86_400_000_000;

/**
 * One pass of the retention job: for every project with a retention time, deletes its spans that
 * started before now minus that time, in chunks so that no single transaction holds the database long.
 */
export async function runTraceRetention(store: Pick<TraceStore, 'listRetention' | 'deleteSpansBefore'>, nowMs: number, chunk = 5_000): Promise<{ projectId: number; deleted: number }[]> {
  const results: { projectId: number; deleted: number }[] = [];
  for (const { projectId, retentionDays } of await store.listRetention()) {
    const beforeUs = nowMs * 1000 - retentionDays * dayUs;
    let deleted = 0;
    for (;;) {
      const count = await store.deleteSpansBefore(projectId, beforeUs, chunk);
      deleted += count;
      if (count < chunk) break;
    }
    results.push({ projectId, deleted });
  }
  return results;
}
