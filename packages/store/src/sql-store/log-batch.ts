import { type KeyValue, KeelError, type LogBatch, type TrackingStore } from '@keel/spec';
import type { SqlDriver, SqlExecutor, SqlValue } from '../drivers/sql-driver.ts';
import { placeholders } from './compile-comparison.ts';
import type { MetricLog } from './metric-log.ts';
import { requireActiveRun, upsertRunTags } from './run-queries.ts';
import { writeMetrics } from './write-metrics.ts';

async function writeParams(tx: SqlExecutor, runPk: number, runId: string, params: readonly KeyValue[]): Promise<void> {
  const values: SqlValue[] = [];
  for (const param of params) values.push(runPk, param.key, param.value);
  await tx.run(`INSERT INTO run_params (run_pk, key, value) VALUES ${params.map(() => '(?, ?, ?)').join(', ')} ON CONFLICT (run_pk, key) DO NOTHING`, values);
  const stored = await tx.all(`SELECT key, value FROM run_params WHERE run_pk = ? AND key IN (${placeholders(params.length)})`, [runPk, ...params.map((param) => param.key)]);
  const storedValues = new Map(stored.map((row) => [String(row.key), String(row.value)]));
  for (const param of params) {
    const existing = storedValues.get(param.key);
    if (existing !== undefined && existing !== param.value) {
      throw new KeelError(
        'INVALID_PARAMETER_VALUE',
        `Changing param values is not allowed. Param with key='${param.key}' was already logged with value='${existing}' for run ID='${runId}'. Attempted logging new value '${param.value}'.`,
        { details: { key: param.key, old_value: existing, new_value: param.value } },
      );
    }
  }
}

/**
 * With a metric log (SQLite), the metrics are appended to it as one row and compacted later
 * (ADR 0009); params and tags are written at once, so that a changed param still fails the batch.
 * The caller is answered after the commit either way: what it logged is durable.
 */
export function createLogBatch(db: SqlDriver, metricLog?: MetricLog): TrackingStore['logBatch'] {
  return async (projectId: number, runId: string, batch: LogBatch) => {
    const log = batch.metrics.length > 0 ? metricLog : undefined;
    await log?.admit();
    await db.transaction(async (tx) => {
      const runPk = await requireActiveRun(tx, projectId, runId);
      if (batch.params.length > 0) await writeParams(tx, runPk, runId, batch.params);
      if (log !== undefined) await log.append(tx, runPk, batch.metrics);
      else if (batch.metrics.length > 0) await writeMetrics(tx, runPk, batch.metrics);
      if (batch.tags.length > 0) await upsertRunTags(tx, runPk, batch.tags);
    });
    log?.appended(batch.metrics.length);
  };
}
