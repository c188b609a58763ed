import Database from 'better-sqlite3';
import type { KeelStore, ProjectSpan } from '@keel/spec';
import { genAiTrace, type PlannedSpan } from './gen-ai-trace.ts';
import { seededRandom } from './metric-batches.ts';
import { progressReporter } from './progress.ts';
import { createSpanIds } from './span-ids.ts';
import { toSpanRecord } from './to-span-record.ts';

const dayMs = 86_400_000;

/**
 * Seeds whole GenAI traces straight into the store, 2,000 spans per insertSpans call (the server's
 * write batch). Generating a million spans' text costs more than inserting them, so 2,000 traces
 * are generated once and reused with fresh ids, times and users.
 */
export async function seedTraceSpans(store: KeelStore, { projectId, spans, days, windowEndMs }: { projectId: number; spans: number; days: number; windowEndMs: number }): Promise<number> {
  const random = seededRandom(5);
  const ids = createSpanIds();
  // Shorter messages than the ingest bench: a million spans of several KB would make seeding the bench.
  const pool = Array.from({ length: 2000 }, () => genAiTrace(random, ids, 0, { textScale: 0.2 }));
  const fromMs = windowEndMs - days * dayMs;
  // The trace count that gives `spans` spans at the pool's spans per trace, spread evenly over the window.
  const perTrace = pool.reduce((total, trace) => total + trace.length, 0) / pool.length;
  const traces = Math.ceil(spans / perTrace);
  const stepMs = (days * dayMs) / traces;
  const progress = progressReporter('seed spans', spans);
  let stored = 0;
  let pending: ProjectSpan[] = [];
  for (let trace = 0; trace < traces && stored + pending.length < spans; trace += 1) {
    const template = pool[trace % pool.length] ?? [];
    const traceId = ids.nextTraceId();
    const startMs = fromMs + trace * stepMs + random() * stepMs * 0.5;
    const userNumber = Math.floor(random() * 5000);
    const renamed = new Map(template.map((span) => [span.spanId, ids.nextSpanId()]));
    for (const span of template) {
      const fresh: PlannedSpan = {
        ...span, traceId, spanId: renamed.get(span.spanId) ?? span.spanId, parentSpanId: span.parentSpanId === null ? null : (renamed.get(span.parentSpanId) ?? null),
        startMs: startMs + span.startMs, userId: `user-${userNumber}`, sessionId: `session-${userNumber}-${trace % 8}`,
      };
      pending.push({ projectId, span: toSpanRecord(fresh) });
    }
    if (pending.length >= 2000) {
      await store.insertSpans(pending);
      stored += pending.length;
      pending = [];
      progress.tick(stored);
    }
  }
  if (pending.length > 0) await store.insertSpans(pending);
  stored += pending.length;
  progress.finish();
  return stored;
}

/** Folds the WAL into the database file, as a server's idle time would after a bulk load. */
export function checkpointWal(database: string): void {
  const db = new Database(database);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}
