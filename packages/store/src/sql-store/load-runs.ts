import type { DatasetInput, KeyValue, Metric, Run, RunInfo, RunStatus } from '@keel/spec';
import type { SqlExecutor, SqlRow } from '../drivers/sql-driver.ts';
import { placeholders } from './compile-comparison.ts';
import { decodeMetricValue } from './metric-value.ts';
import { compareCodePoints, selectJsonRows } from './select-json-rows.ts';

export const runInfoColumns = 'r.pk, r.run_id, e.experiment_number, r.run_name, r.user_id, r.status, r.start_time, r.end_time, r.artifact_uri, r.lifecycle_stage';
export const runFrom = 'runs r JOIN experiments e ON e.pk = r.experiment_pk';

export function toRunInfo(row: SqlRow): RunInfo {
  return {
    runId: String(row.run_id),
    experimentId: String(row.experiment_number),
    runName: String(row.run_name),
    userId: String(row.user_id),
    status: String(row.status) as RunStatus,
    startTime: Number(row.start_time),
    endTime: row.end_time === null || row.end_time === undefined ? null : Number(row.end_time),
    artifactUri: String(row.artifact_uri),
    lifecycleStage: row.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
  };
}

function group<R extends SqlRow | unknown[], T>(rows: R[], runPk: (row: R) => unknown, map: (row: R) => T): Map<number, T[]> {
  const grouped = new Map<number, T[]>();
  for (const row of rows) {
    const pk = Number(runPk(row));
    let list = grouped.get(pk);
    if (list === undefined) {
      list = [];
      grouped.set(pk, list);
    }
    list.push(map(row));
  }
  return grouped;
}

const runPkColumn = (row: SqlRow): unknown => row.run_pk;
const firstElement = (row: unknown[]): unknown => row[0];
/** `ORDER BY run_pk, key` on SQLite, for rows that start with those two columns. */
const byRunAndKey = (a: unknown[], b: unknown[]): number => Number(a[0]) - Number(b[0]) || compareCodePoints(String(a[1]), String(b[1]));
const keyValue = (row: unknown[]): KeyValue => ({ key: String(row[1]), value: String(row[2]) });

/** Whole runs (latest metrics, params, tags, inputs, outputs) for run rows selected with `runInfoColumns`, in their order. */
export async function loadRuns(db: SqlExecutor, runRows: SqlRow[]): Promise<Run[]> {
  if (runRows.length === 0) return [];
  const pks = runRows.map((row) => Number(row.pk));
  const inList = placeholders(pks.length);
  // Ordered as the primary keys are, so that the database reads the page's rows without sorting.
  // Metrics, params and tags (a page of 100 runs with 20 of each: 4,000 rows) come as one JSON
  // text each (ADR 0015); read as row objects they took most of a runs/search request.
  const keyedRows = (table: string, columns: string) =>
    selectJsonRows(db, { columns: `run_pk, key, ${columns}`, from: `${table} WHERE run_pk IN (${inList})`, orderBy: 'run_pk, key', params: pks, sqliteOrder: byRunAndKey });
  const [metricRows, paramRows, tagRows, inputRows, linkRows] = await Promise.all([
    keyedRows('latest_metrics', 'value, is_nan, timestamp, step'),
    keyedRows('run_params', 'value'),
    keyedRows('run_tags', 'value'),
    db.all(`SELECT run_pk, dataset_name, dataset_digest, source_type, source, dataset_schema, profile, tags_json FROM run_inputs WHERE run_pk IN (${inList}) ORDER BY run_pk, dataset_name`, pks),
    db.all(`SELECT run_pk, direction, model_id, step FROM run_model_links WHERE run_pk IN (${inList}) ORDER BY run_pk, model_id`, pks),
  ]);
  const metrics = group(metricRows, firstElement, (row): Metric => ({ key: String(row[1]), value: decodeMetricValue(row[2], row[3]), timestamp: Number(row[4]), step: Number(row[5]) }));
  const params = group(paramRows, firstElement, keyValue);
  const tags = group(tagRows, firstElement, keyValue);
  const inputs = group(inputRows, runPkColumn, (row): DatasetInput => ({
    tags: JSON.parse(String(row.tags_json)) as KeyValue[],
    dataset: {
      name: String(row.dataset_name),
      digest: String(row.dataset_digest),
      sourceType: String(row.source_type),
      source: String(row.source),
      schema: row.dataset_schema === null ? undefined : String(row.dataset_schema),
      profile: row.profile === null ? undefined : String(row.profile),
    },
  }));
  const links = group(linkRows, runPkColumn, (row) => ({ direction: String(row.direction), modelId: String(row.model_id), step: Number(row.step) }));
  return runRows.map((row) => {
    const pk = Number(row.pk);
    const runLinks = links.get(pk) ?? [];
    return {
      info: toRunInfo(row),
      data: { metrics: metrics.get(pk) ?? [], params: params.get(pk) ?? [], tags: tags.get(pk) ?? [] },
      inputs: {
        datasetInputs: inputs.get(pk) ?? [],
        modelInputs: runLinks.filter((link) => link.direction === 'input').map((link) => ({ modelId: link.modelId })),
      },
      outputs: { modelOutputs: runLinks.filter((link) => link.direction === 'output').map((link) => ({ modelId: link.modelId, step: link.step })) },
    };
  });
}
