import { KeelError, type Score, type TraceStore } from '@keel/spec';
import { first, type SqlDriver, type SqlRow } from '../drivers/sql-driver.ts';
import { nullableNumber, nullableString } from './trace-span-row.ts';

const scoreColumns = 'id, trace_id, span_id, name, data_type, value, label, source, comment, author, created_at';

function scoreFromRow(row: SqlRow): Score {
  return {
    id: String(row.id),
    traceId: String(row.trace_id),
    spanId: nullableString(row.span_id),
    name: String(row.name),
    dataType: String(row.data_type) as Score['dataType'],
    value: nullableNumber(row.value),
    label: nullableString(row.label),
    source: String(row.source) as Score['source'],
    comment: String(row.comment),
    author: String(row.author),
    createdAt: Number(row.created_at),
  };
}

export function createScoreQueries(db: SqlDriver): Pick<TraceStore, 'createScore' | 'listScores'> {
  return {
    createScore: (projectId, score, id, now) =>
      db.transaction(async (tx) => {
        // The summary exists exactly when the trace has spans in this project.
        if ((await first(tx, 'SELECT 1 AS found FROM traces WHERE project_id = ? AND trace_id = ?', [projectId, score.traceId])) === undefined) {
          throw new KeelError('RESOURCE_DOES_NOT_EXIST', `Trace '${score.traceId}' does not exist`);
        }
        if (score.spanId !== null) {
          const span = await first(tx, 'SELECT 1 AS found FROM spans WHERE project_id = ? AND trace_id = ? AND span_id = ?', [projectId, score.traceId, score.spanId]);
          if (span === undefined) throw new KeelError('RESOURCE_DOES_NOT_EXIST', `Span '${score.spanId}' does not exist in trace '${score.traceId}'`);
        }
        const rows = await tx.all(
          `INSERT INTO trace_scores (id, project_id, trace_id, span_id, name, data_type, value, label, source, comment, author, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${scoreColumns}`,
          [id, projectId, score.traceId, score.spanId, score.name, score.dataType, score.value, score.label, score.source, score.comment, score.author, now],
        );
        return scoreFromRow(rows[0] ?? {});
      }),
    listScores: async (projectId, traceId) =>
      (await db.all(`SELECT ${scoreColumns} FROM trace_scores WHERE project_id = ? AND trace_id = ? ORDER BY created_at, id`, [projectId, traceId])).map(scoreFromRow),
  };
}
