import type { TraceStore } from '@keel/spec';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { spanColumns, spanFromRow } from './trace-span-row.ts';

/** A trace's span tree is always read from the spans themselves, never from the summary. */
export function createGetTraceSpans(db: SqlDriver): TraceStore['getTraceSpans'] {
  return async (projectId, traceId) =>
    (await db.all(`SELECT ${spanColumns.join(', ')} FROM spans WHERE project_id = ? AND trace_id = ? ORDER BY start_us, span_id`, [projectId, traceId])).map(spanFromRow);
}
