import { type KeyValue, KeelError, type RunInfo, type TrackingStore, notFound } from '@keel/spec';
import { first, type SqlDriver, type SqlExecutor } from '../drivers/sql-driver.ts';
import { requireExperimentPk } from './experiment-queries.ts';
import { loadRuns, runFrom, runInfoColumns, toRunInfo } from './load-runs.ts';
import { isUniqueViolation } from './sql-errors.ts';

type RunQueries = Pick<TrackingStore, 'createRun' | 'getRun' | 'getRunInfo' | 'updateRun' | 'setRunLifecycle' | 'deleteRunTag' | 'logInputs' | 'logOutputs'>;

export interface RunRef {
  pk: number;
  info: RunInfo;
}

/** The run of the project, or a 404: a run id from another project is not found. */
export async function requireRun(db: SqlExecutor, projectId: number, runId: string): Promise<RunRef> {
  const row = await first(db, `SELECT ${runInfoColumns} FROM ${runFrom} WHERE r.run_id = ? AND r.project_id = ?`, [runId, projectId]);
  if (row === undefined) throw notFound(`Run '${runId}' not found`);
  return { pk: Number(row.pk), info: toRunInfo(row) };
}

/**
 * The primary key of a run that may be written to: NOT_FOUND when it is not in the project, and
 * INVALID_PARAMETER_VALUE when it is deleted. Reads the run's own row only (every log-batch asks).
 */
export async function requireActiveRun(db: SqlExecutor, projectId: number, runId: string): Promise<number> {
  const row = await first(db, 'SELECT pk, lifecycle_stage FROM runs WHERE run_id = ? AND project_id = ?', [runId, projectId]);
  if (row === undefined) throw notFound(`Run '${runId}' not found`);
  if (row.lifecycle_stage !== 'active') {
    throw new KeelError('INVALID_PARAMETER_VALUE', `The run ${runId} must be in the 'active' state. Current state is deleted.`);
  }
  return Number(row.pk);
}

export async function upsertRunTags(tx: SqlExecutor, runPk: number, tags: KeyValue[]): Promise<void> {
  for (const tag of tags) {
    await tx.run('INSERT INTO run_tags (run_pk, key, value) VALUES (?, ?, ?) ON CONFLICT (run_pk, key) DO UPDATE SET value = excluded.value', [runPk, tag.key, tag.value]);
    // MLflow keeps the run name and the mlflow.runName tag in step.
    if (tag.key === 'mlflow.runName') await tx.run('UPDATE runs SET run_name = ? WHERE pk = ?', [tag.value, runPk]);
  }
}

export function createRunQueries(db: SqlDriver): RunQueries {
  const getRun = async (projectId: number, runId: string) => {
    const row = await first(db, `SELECT ${runInfoColumns} FROM ${runFrom} WHERE r.run_id = ? AND r.project_id = ?`, [runId, projectId]);
    return row === undefined ? undefined : (await loadRuns(db, [row]))[0];
  };
  return {
    async createRun(projectId, run) {
      try {
        await db.transaction(async (tx) => {
          const experimentPk = await requireExperimentPk(tx, projectId, run.experimentId);
          const experiment = await first(tx, 'SELECT lifecycle_stage FROM experiments WHERE pk = ?', [experimentPk]);
          if (experiment?.lifecycle_stage !== 'active') {
            throw new KeelError('INVALID_PARAMETER_VALUE', `The experiment ${run.experimentId} must be in the 'active' state.`);
          }
          const inserted = await tx.all(
            `INSERT INTO runs (run_id, project_id, experiment_pk, run_name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri)
             VALUES (?, ?, ?, ?, ?, 'RUNNING', ?, NULL, 'active', ?) RETURNING pk`,
            [run.runId, projectId, experimentPk, run.runName, run.userId, run.startTime, run.artifactUri(run.experimentId, run.runId)],
          );
          const pk = Number(inserted[0]?.pk);
          const tags = run.tags.some((tag) => tag.key === 'mlflow.runName') ? run.tags : [...run.tags, { key: 'mlflow.runName', value: run.runName }];
          await upsertRunTags(tx, pk, tags);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new KeelError('ALREADY_EXISTS', `Run '${run.runId}' already exists`);
        throw error;
      }
      const created = await getRun(projectId, run.runId);
      if (created === undefined) throw new KeelError('INTERNAL_ERROR', 'created run vanished');
      return created;
    },
    getRun,
    async getRunInfo(projectId, runId) {
      const row = await first(db, `SELECT ${runInfoColumns} FROM ${runFrom} WHERE r.run_id = ? AND r.project_id = ?`, [runId, projectId]);
      return row === undefined ? undefined : toRunInfo(row);
    },
    async updateRun(projectId, runId, update) {
      return db.transaction(async (tx) => {
        const runPk = await requireActiveRun(tx, projectId, runId);
        if (update.status !== undefined) await tx.run('UPDATE runs SET status = ? WHERE pk = ?', [update.status, runPk]);
        if (update.endTime !== undefined) await tx.run('UPDATE runs SET end_time = ? WHERE pk = ?', [update.endTime, runPk]);
        if (update.runName !== undefined && update.runName !== '') await upsertRunTags(tx, runPk, [{ key: 'mlflow.runName', value: update.runName }]);
        return (await requireRun(tx, projectId, runId)).info;
      });
    },
    async setRunLifecycle(projectId, runId, stage, now) {
      await db.transaction(async (tx) => {
        const run = await requireRun(tx, projectId, runId);
        await tx.run('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE pk = ?', [stage, stage === 'deleted' ? now : null, run.pk]);
      });
    },
    async deleteRunTag(projectId, runId, key) {
      await db.transaction(async (tx) => {
        const runPk = await requireActiveRun(tx, projectId, runId);
        const changed = await tx.run('DELETE FROM run_tags WHERE run_pk = ? AND key = ?', [runPk, key]);
        if (changed === 0) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
      });
    },
    async logInputs(projectId, runId, datasets, modelIds) {
      await db.transaction(async (tx) => {
        const runPk = await requireActiveRun(tx, projectId, runId);
        for (const input of datasets) {
          const context = input.tags.find((tag) => tag.key === 'mlflow.data.context')?.value ?? null;
          await tx.run(
            `INSERT INTO run_inputs (run_pk, dataset_name, dataset_digest, source_type, source, dataset_schema, profile, context, tags_json)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_pk, dataset_name, dataset_digest) DO UPDATE SET tags_json = excluded.tags_json, context = excluded.context`,
            [runPk, input.dataset.name, input.dataset.digest, input.dataset.sourceType, input.dataset.source, input.dataset.schema ?? null, input.dataset.profile ?? null, context, JSON.stringify(input.tags)],
          );
        }
        for (const modelId of modelIds) {
          await tx.run(`INSERT INTO run_model_links (run_pk, direction, model_id, step) VALUES (?, 'input', ?, 0) ON CONFLICT DO NOTHING`, [runPk, modelId]);
        }
      });
    },
    async logOutputs(projectId, runId, models) {
      await db.transaction(async (tx) => {
        const runPk = await requireActiveRun(tx, projectId, runId);
        for (const model of models) {
          await tx.run(`INSERT INTO run_model_links (run_pk, direction, model_id, step) VALUES (?, 'output', ?, ?) ON CONFLICT DO NOTHING`, [runPk, model.modelId, model.step]);
        }
      });
    },
  };
}
