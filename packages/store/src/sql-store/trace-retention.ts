import type { TraceStore } from '@keel/spec';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { placeholders } from './compile-comparison.ts';
import { recomputeTraceSummaries } from './trace-summaries.ts';
import { applyGenerationDaily, contributionFromRow, type GenerationContribution } from './generation-daily.ts';
import { deleteChunksBefore } from './span-chunks.ts';

// Each chunk is its own short transaction, so ingest (which waits for SQLite's one writer) never
// waits long behind the retention job.
const chunkSize = 1_000;

export function createDeleteSpansBefore(db: SqlDriver): TraceStore['deleteSpansBefore'] {
  return async (projectId, beforeUs, limit) => {
    let deleted = 0;
    while (deleted < limit) {
      const count = Math.min(chunkSize, limit - deleted);
      const removed = await db.transaction(async (tx) => {
        // Old spans are found through the trace summaries (no index on spans by start, migration 8): a
        // span that started before the cut belongs to a trace whose summary starts before it.
        const rows = await tx.all(
          `DELETE FROM spans WHERE (project_id, trace_id, span_id) IN (
             SELECT s.project_id, s.trace_id, s.span_id FROM traces t JOIN spans s ON s.project_id = t.project_id AND s.trace_id = t.trace_id
             WHERE t.project_id = ? AND t.start_us < ? AND s.start_us < ? ORDER BY t.start_us, t.trace_id, s.span_id LIMIT ?
           ) RETURNING project_id, trace_id, start_us, model, provider, prompt_name, prompt_version, input_tokens, output_tokens, cost`,
          [projectId, beforeUs, beforeUs, count],
        );
        // No span before the cut is left: nor are generations in the chunks before it.
        if (rows.length < count) await deleteChunksBefore(tx, projectId, beforeUs);
        const traceIds = [...new Set(rows.map((row) => String(row.trace_id)))].sort();
        if (traceIds.length === 0) return 0;
        await recomputeTraceSummaries(tx, projectId, traceIds);
        const generations = rows.map(contributionFromRow).filter((item): item is GenerationContribution => item !== undefined);
        await applyGenerationDaily(tx, generations, -1);
        // Scores of deleted spans, and every score of a trace that has no span left.
        await tx.run(
          `DELETE FROM trace_scores WHERE project_id = ? AND trace_id IN (${placeholders(traceIds.length)}) AND (
             NOT EXISTS (SELECT 1 FROM traces t WHERE t.project_id = trace_scores.project_id AND t.trace_id = trace_scores.trace_id)
             OR (span_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM spans s WHERE s.project_id = trace_scores.project_id AND s.trace_id = trace_scores.trace_id AND s.span_id = trace_scores.span_id)))`,
          [projectId, ...traceIds],
        );
        return rows.length;
      });
      deleted += removed;
      if (removed < count) break;
    }
    return deleted;
  };
}
