import { type Experiment, type KeyValue, KeelError, type TrackingStore, notFound } from '@keel/spec';
import { first, type SqlDriver, type SqlExecutor, type SqlRow, type SqlValue } from '../drivers/sql-driver.ts';
import { compileComparison, placeholders } from './compile-comparison.ts';
import { decodeOffsetToken, offsetPage } from './page-token.ts';
import { isUniqueViolation } from './sql-errors.ts';

type ExperimentQueries = Pick<
  TrackingStore,
  'createExperiment' | 'getExperiment' | 'getExperimentByName' | 'searchExperiments' | 'renameExperiment' | 'setExperimentLifecycle' | 'setExperimentTag' | 'deleteExperimentTag'
>;

const columns = 'pk, experiment_number, name, artifact_location, lifecycle_stage, creation_time, last_update_time';

/** Experiment ids are per-project sequence numbers; anything else names no experiment. */
export function parseExperimentNumber(experimentId: string): number | undefined {
  return /^(0|[1-9]\d{0,14})$/.test(experimentId) ? Number(experimentId) : undefined;
}

/** The internal key of an experiment of the project, or a 404. */
export async function requireExperimentPk(db: SqlExecutor, projectId: number, experimentId: string): Promise<number> {
  const number = parseExperimentNumber(experimentId);
  const row = number === undefined ? undefined : await first(db, 'SELECT pk FROM experiments WHERE project_id = ? AND experiment_number = ?', [projectId, number]);
  if (row === undefined) throw notFound(`No experiment with id '${experimentId}'`);
  return Number(row.pk);
}

export function createExperimentQueries(db: SqlDriver): ExperimentQueries {
  const load = async (where: string, params: SqlValue[]): Promise<Experiment | undefined> => {
    const row = await first(db, `SELECT ${columns} FROM experiments WHERE ${where}`, params);
    if (row === undefined) return undefined;
    return (await withTags(db, [row]))[0];
  };

  return {
    async createExperiment(projectId, experiment) {
      try {
        return await db.transaction(async (tx) => {
          const counter = await first(tx, 'UPDATE projects SET next_experiment_number = next_experiment_number + 1 WHERE id = ? RETURNING next_experiment_number', [projectId]);
          if (counter === undefined) throw notFound(`No project ${projectId}`);
          const number = Number(counter.next_experiment_number) - 1;
          const experimentId = String(number);
          const location = typeof experiment.artifactLocation === 'string' ? experiment.artifactLocation : experiment.artifactLocation(experimentId);
          const inserted = await tx.all(
            `INSERT INTO experiments (project_id, experiment_number, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, ?, ?, 'active', ?, ?) RETURNING pk`,
            [projectId, number, experiment.name, location, experiment.now, experiment.now],
          );
          const pk = Number(inserted[0]?.pk);
          for (const tag of experiment.tags) await upsertTag(tx, pk, tag);
          return experimentId;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new KeelError('ALREADY_EXISTS', `Experiment '${experiment.name}' already exists`);
        throw error;
      }
    },
    async getExperiment(projectId, experimentId) {
      const number = parseExperimentNumber(experimentId);
      if (number === undefined) return undefined;
      return load('project_id = ? AND experiment_number = ?', [projectId, number]);
    },
    getExperimentByName: (projectId, name) => load('project_id = ? AND name = ?', [projectId, name]),
    async searchExperiments(projectId, search) {
      const where: string[] = ['e.project_id = ?'];
      const params: SqlValue[] = [projectId];
      if (search.viewType !== 'ALL') where.push(`e.lifecycle_stage = '${search.viewType === 'ACTIVE_ONLY' ? 'active' : 'deleted'}'`);
      for (const comparison of search.filter) {
        if (comparison.entity === 'tag') {
          const fragment = compileComparison('t.value', comparison.operator, comparison.value);
          where.push(`EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_pk = e.pk AND t.key = ? AND ${fragment.sql})`);
          params.push(comparison.key, ...fragment.params);
        } else {
          const fragment = compileComparison(`e.${experimentColumn(comparison.key)}`, comparison.operator, comparison.value);
          where.push(fragment.sql);
          params.push(...fragment.params);
        }
      }
      const order = search.orderBy.map((clause) => `e.${experimentColumn(clause.key)} ${clause.ascending ? 'ASC' : 'DESC'}`);
      order.push('e.creation_time DESC', 'e.experiment_number ASC');
      const offset = decodeOffsetToken(search.pageToken);
      const rows = await db.all(
        `SELECT ${columns.split(', ').map((column) => `e.${column}`).join(', ')} FROM experiments e WHERE ${where.join(' AND ')} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`,
        [...params, search.maxResults + 1, offset],
      );
      const page = offsetPage(rows, offset, search.maxResults);
      return { items: await withTags(db, page.items), nextPageToken: page.nextPageToken };
    },
    async renameExperiment(projectId, experimentId, name, now) {
      try {
        await db.transaction(async (tx) => {
          const pk = await requireExperimentPk(tx, projectId, experimentId);
          await tx.run('UPDATE experiments SET name = ?, last_update_time = ? WHERE pk = ?', [name, now, pk]);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new KeelError('ALREADY_EXISTS', `Experiment '${name}' already exists`);
        throw error;
      }
    },
    async setExperimentLifecycle(projectId, experimentId, stage, now) {
      await db.transaction(async (tx) => {
        const pk = await requireExperimentPk(tx, projectId, experimentId);
        await tx.run('UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE pk = ?', [stage, now, pk]);
        await tx.run('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_pk = ?', [stage, stage === 'deleted' ? now : null, pk]);
      });
    },
    async setExperimentTag(projectId, experimentId, tag, now) {
      await db.transaction(async (tx) => {
        const pk = await requireExperimentPk(tx, projectId, experimentId);
        await upsertTag(tx, pk, tag);
        await tx.run('UPDATE experiments SET last_update_time = ? WHERE pk = ?', [now, pk]);
      });
    },
    async deleteExperimentTag(projectId, experimentId, key) {
      await db.transaction(async (tx) => {
        const pk = await requireExperimentPk(tx, projectId, experimentId);
        const changed = await tx.run('DELETE FROM experiment_tags WHERE experiment_pk = ? AND key = ?', [pk, key]);
        if (changed === 0) throw notFound(`No tag '${key}' on experiment '${experimentId}'`);
      });
    },
  };
}

function experimentColumn(key: string): string {
  switch (key) {
    case 'name':
    case 'creation_time':
    case 'last_update_time':
      return key;
    case 'experiment_id':
      return 'experiment_number';
    default:
      throw new KeelError('INVALID_PARAMETER_VALUE', `Invalid experiment attribute '${key}'`);
  }
}

async function upsertTag(tx: SqlExecutor, pk: number, tag: KeyValue): Promise<void> {
  await tx.run('INSERT INTO experiment_tags (experiment_pk, key, value) VALUES (?, ?, ?) ON CONFLICT (experiment_pk, key) DO UPDATE SET value = excluded.value', [pk, tag.key, tag.value]);
}

async function withTags(db: SqlExecutor, rows: SqlRow[]): Promise<Experiment[]> {
  if (rows.length === 0) return [];
  const pks = rows.map((row) => Number(row.pk));
  const tagRows = await db.all(`SELECT experiment_pk, key, value FROM experiment_tags WHERE experiment_pk IN (${placeholders(pks.length)}) ORDER BY key`, pks);
  const tags = new Map<number, KeyValue[]>();
  for (const tag of tagRows) {
    const list = tags.get(Number(tag.experiment_pk)) ?? [];
    list.push({ key: String(tag.key), value: String(tag.value) });
    tags.set(Number(tag.experiment_pk), list);
  }
  return rows.map((row) => ({
    experimentId: String(row.experiment_number),
    name: String(row.name),
    artifactLocation: String(row.artifact_location),
    lifecycleStage: row.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    creationTime: Number(row.creation_time),
    lastUpdateTime: Number(row.last_update_time),
    tags: tags.get(Number(row.pk)) ?? [],
  }));
}
