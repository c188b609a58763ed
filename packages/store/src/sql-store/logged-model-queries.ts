import { type KeyValue, KeelError, type LoggedModel, type LoggedModelStatus, type RegistryStore, notFound } from '@keel/spec';
import { first, type SqlDriver, type SqlExecutor, type SqlRow } from '../drivers/sql-driver.ts';
import { placeholders } from './compile-comparison.ts';
import { parseExperimentNumber, requireExperimentPk } from './experiment-queries.ts';
import { decodeOffsetToken, offsetPage } from './page-token.ts';
import { isUniqueViolation } from './sql-errors.ts';

type LoggedModelQueries = Pick<
  RegistryStore,
  'createLoggedModel' | 'getLoggedModel' | 'updateLoggedModelStatus' | 'setLoggedModelTags' | 'deleteLoggedModelTag' | 'logLoggedModelParams' | 'deleteLoggedModel' | 'searchLoggedModels'
>;

const columns = 'l.pk, l.model_id, e.experiment_number, l.name, l.source_run_id, l.status, l.model_type, l.artifact_uri, l.creator_id, l.creation_timestamp, l.last_updated_timestamp';
const from = 'logged_models l JOIN experiments e ON e.pk = l.experiment_pk';

async function requireModel(db: SqlExecutor, projectId: number, modelId: string): Promise<number> {
  const row = await first(db, 'SELECT pk FROM logged_models WHERE project_id = ? AND model_id = ? AND deleted = 0', [projectId, modelId]);
  if (row === undefined) throw notFound(`Logged model '${modelId}' not found`);
  return Number(row.pk);
}

async function upsertPairs(tx: SqlExecutor, table: 'logged_model_tags' | 'logged_model_params', pk: number, pairs: readonly KeyValue[]): Promise<void> {
  for (const pair of pairs) {
    await tx.run(`INSERT INTO ${table} (model_pk, key, value) VALUES (?, ?, ?) ON CONFLICT (model_pk, key) DO UPDATE SET value = excluded.value`, [pk, pair.key, pair.value]);
  }
}

async function loadLoggedModels(db: SqlExecutor, rows: SqlRow[]): Promise<LoggedModel[]> {
  if (rows.length === 0) return [];
  const pks = rows.map((row) => Number(row.pk));
  const [tagRows, paramRows] = await Promise.all([
    db.all(`SELECT model_pk, key, value FROM logged_model_tags WHERE model_pk IN (${placeholders(pks.length)}) ORDER BY key`, pks),
    db.all(`SELECT model_pk, key, value FROM logged_model_params WHERE model_pk IN (${placeholders(pks.length)}) ORDER BY key`, pks),
  ]);
  const pairsOf = (source: SqlRow[], pk: number): KeyValue[] =>
    source.filter((row) => Number(row.model_pk) === pk).map((row) => ({ key: String(row.key), value: String(row.value) }));
  return rows.map((row) => ({
    modelId: String(row.model_id),
    experimentId: String(row.experiment_number),
    name: String(row.name),
    sourceRunId: String(row.source_run_id),
    status: String(row.status) as LoggedModelStatus,
    modelType: String(row.model_type),
    artifactUri: String(row.artifact_uri),
    creatorId: String(row.creator_id),
    creationTimestamp: Number(row.creation_timestamp),
    lastUpdatedTimestamp: Number(row.last_updated_timestamp),
    tags: pairsOf(tagRows, Number(row.pk)),
    params: pairsOf(paramRows, Number(row.pk)),
  }));
}

export function createLoggedModelQueries(db: SqlDriver): LoggedModelQueries {
  const get = async (projectId: number, modelId: string) => {
    const rows = await db.all(`SELECT ${columns} FROM ${from} WHERE l.project_id = ? AND l.model_id = ? AND l.deleted = 0`, [projectId, modelId]);
    return (await loadLoggedModels(db, rows))[0];
  };
  const mustGet = async (projectId: number, modelId: string) => {
    const model = await get(projectId, modelId);
    if (model === undefined) throw notFound(`Logged model '${modelId}' not found`);
    return model;
  };
  return {
    async createLoggedModel(projectId, model) {
      try {
        await db.transaction(async (tx) => {
          const experimentPk = await requireExperimentPk(tx, projectId, model.experimentId);
          const rows = await tx.all(
            `INSERT INTO logged_models (model_id, project_id, experiment_pk, name, source_run_id, status, model_type, artifact_uri, creator_id, creation_timestamp, last_updated_timestamp)
             VALUES (?, ?, ?, ?, ?, 'LOGGED_MODEL_PENDING', ?, ?, ?, ?, ?) RETURNING pk`,
            [model.modelId, projectId, experimentPk, model.name, model.sourceRunId, model.modelType, model.artifactUri, model.creatorId, model.now, model.now],
          );
          const pk = Number(rows[0]?.pk);
          await upsertPairs(tx, 'logged_model_tags', pk, model.tags);
          await upsertPairs(tx, 'logged_model_params', pk, model.params);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new KeelError('ALREADY_EXISTS', `Logged model '${model.modelId}' already exists`);
        throw error;
      }
      return mustGet(projectId, model.modelId);
    },
    getLoggedModel: get,
    async updateLoggedModelStatus(projectId, modelId, status, now) {
      const pk = await requireModel(db, projectId, modelId);
      await db.run('UPDATE logged_models SET status = ?, last_updated_timestamp = ? WHERE pk = ?', [status, now, pk]);
      return mustGet(projectId, modelId);
    },
    async setLoggedModelTags(projectId, modelId, tags, now) {
      await db.transaction(async (tx) => {
        const pk = await requireModel(tx, projectId, modelId);
        await upsertPairs(tx, 'logged_model_tags', pk, tags);
        await tx.run('UPDATE logged_models SET last_updated_timestamp = ? WHERE pk = ?', [now, pk]);
      });
    },
    async deleteLoggedModelTag(projectId, modelId, key) {
      const pk = await requireModel(db, projectId, modelId);
      const changed = await db.run('DELETE FROM logged_model_tags WHERE model_pk = ? AND key = ?', [pk, key]);
      if (changed === 0) throw notFound(`No tag '${key}' on logged model '${modelId}'`);
    },
    async logLoggedModelParams(projectId, modelId, params) {
      await db.transaction(async (tx) => {
        const pk = await requireModel(tx, projectId, modelId);
        await upsertPairs(tx, 'logged_model_params', pk, params);
      });
    },
    async deleteLoggedModel(projectId, modelId) {
      const pk = await requireModel(db, projectId, modelId);
      await db.run('UPDATE logged_models SET deleted = 1 WHERE pk = ?', [pk]);
    },
    async searchLoggedModels(projectId, experimentIds, maxResults, pageToken) {
      const numbers = experimentIds.map(parseExperimentNumber).filter((number): number is number => number !== undefined);
      if (experimentIds.length > 0 && numbers.length === 0) return { items: [], nextPageToken: undefined };
      const experimentFilter = numbers.length === 0 ? '' : ` AND e.experiment_number IN (${placeholders(numbers.length)})`;
      const offset = decodeOffsetToken(pageToken);
      if (maxResults < 1) throw new KeelError('INVALID_PARAMETER_VALUE', 'max_results must be positive');
      const rows = await db.all(
        `SELECT ${columns} FROM ${from} WHERE l.project_id = ? AND l.deleted = 0${experimentFilter} ORDER BY l.creation_timestamp DESC, l.model_id LIMIT ? OFFSET ?`,
        [projectId, ...numbers, maxResults + 1, offset],
      );
      const page = offsetPage(rows, offset, maxResults);
      return { items: await loadLoggedModels(db, page.items), nextPageToken: page.nextPageToken };
    },
  };
}
