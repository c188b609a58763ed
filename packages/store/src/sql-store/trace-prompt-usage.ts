import type { PromptUsageRow, TraceStore } from '@keel/spec';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { generationStats } from './trace-generation-stats.ts';

/** Per version of one prompt: the spans that carry it (by span start in the window) and the scores of their traces. */
export function createPromptUsage(db: SqlDriver): TraceStore['promptUsage'] {
  return async (projectId, promptName, window) => {
    const from = 'FROM spans WHERE project_id = ? AND prompt_name = ? AND prompt_version IS NOT NULL AND start_us >= ? AND start_us < ?';
    const params = [projectId, promptName, window.fromUs, window.toUs];
    const [rows, scores] = await Promise.all([
      generationStats(db, { group: 'prompt_version', from, params }),
      // A trace that used a version counts once for it, however many of its spans carry the prompt.
      db.all(
        `SELECT u.v, sc.name, AVG(sc.value) AS mean, COUNT(*) AS n
         FROM (SELECT DISTINCT prompt_version AS v, trace_id ${from}) u
         JOIN trace_scores sc ON sc.project_id = ? AND sc.trace_id = u.trace_id
         WHERE sc.data_type IN ('numeric', 'boolean') AND sc.value IS NOT NULL
         GROUP BY u.v, sc.name ORDER BY u.v, sc.name`,
        [...params, projectId],
      ),
    ]);
    return rows
      .map((row): PromptUsageRow => ({
        version: Number(row.group),
        count: row.count,
        inputTokens: row.inputTokens,
        outputTokens: row.outputTokens,
        cost: row.cost,
        latencyP50Ms: row.latencies[0],
        latencyP95Ms: row.latencies[1],
        scores: scores.filter((score) => Number(score.v) === Number(row.group)).map((score) => ({ name: String(score.name), mean: Number(score.mean), count: Number(score.n) })),
      }))
      .sort((a, b) => a.version - b.version);
  };
}
