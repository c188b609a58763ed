import { type KeyValue, KeelError, type RegisteredModel, type RegistryEventAction, type RegistryStore, notFound } from '@keel/spec';
import { first, type SqlDriver, type SqlExecutor, type SqlRow, type SqlValue } from '../drivers/sql-driver.ts';
import { compileComparison, placeholders } from './compile-comparison.ts';
import { loadModelVersions, recordRegistryEvent, requireModelPk, requireVersion, versionColumns, versionFrom } from './load-model-versions.ts';
import { decodeOffsetToken, offsetPage } from './page-token.ts';
import { isUniqueViolation } from './sql-errors.ts';

type RegisteredModelQueries = Pick<
  RegistryStore,
  | 'createRegisteredModel' | 'getRegisteredModel' | 'renameRegisteredModel' | 'updateRegisteredModel' | 'deleteRegisteredModel' | 'searchRegisteredModels'
  | 'setRegisteredModelTag' | 'deleteRegisteredModelTag' | 'setAlias' | 'deleteAlias' | 'getVersionByAlias' | 'listRegistryEvents'
>;

const modelColumns = 'm.pk, m.name, m.description, m.user_id, m.creation_timestamp, m.last_updated_timestamp';
const modelOrderColumns: Record<string, string> = {
  name: 'm.name',
  last_updated_timestamp: 'm.last_updated_timestamp',
  timestamp: 'm.last_updated_timestamp',
  creation_timestamp: 'm.creation_timestamp',
};

async function loadRegisteredModels(db: SqlExecutor, rows: SqlRow[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return [];
  const pks = rows.map((row) => Number(row.pk));
  const inList = placeholders(pks.length);
  const [tagRows, aliasRows, latestRows] = await Promise.all([
    db.all(`SELECT model_pk, key, value FROM registered_model_tags WHERE model_pk IN (${inList}) ORDER BY key`, pks),
    db.all(`SELECT model_pk, alias, version FROM registered_model_aliases WHERE model_pk IN (${inList}) ORDER BY alias`, pks),
    db.all(
      `SELECT ${versionColumns} FROM ${versionFrom} WHERE v.model_pk IN (${inList})
       AND v.version = (SELECT MAX(v2.version) FROM model_versions v2 WHERE v2.model_pk = v.model_pk AND v2.current_stage = v.current_stage) ORDER BY v.version`,
      pks,
    ),
  ]);
  const latest = await loadModelVersions(db, latestRows);
  return rows.map((row) => {
    const pk = Number(row.pk);
    return {
      name: String(row.name),
      description: String(row.description),
      userId: String(row.user_id),
      creationTimestamp: Number(row.creation_timestamp),
      lastUpdatedTimestamp: Number(row.last_updated_timestamp),
      tags: tagRows.filter((tag) => Number(tag.model_pk) === pk).map((tag) => ({ key: String(tag.key), value: String(tag.value) })),
      aliases: aliasRows.filter((alias) => Number(alias.model_pk) === pk).map((alias) => ({ alias: String(alias.alias), version: String(alias.version) })),
      latestVersions: latest.filter((version) => version.name === String(row.name)),
    };
  });
}

export function createRegisteredModelQueries(db: SqlDriver): RegisteredModelQueries {
  const get = async (projectId: number, name: string): Promise<RegisteredModel | undefined> => {
    const row = await first(db, `SELECT ${modelColumns} FROM registered_models m WHERE m.project_id = ? AND m.name = ?`, [projectId, name]);
    return row === undefined ? undefined : (await loadRegisteredModels(db, [row]))[0];
  };
  const mustGet = async (projectId: number, name: string): Promise<RegisteredModel> => {
    const model = await get(projectId, name);
    if (model === undefined) throw notFound(`Registered Model with name=${name} not found`);
    return model;
  };
  const upsertTag = (tx: SqlExecutor, pk: number, tag: KeyValue) =>
    tx.run('INSERT INTO registered_model_tags (model_pk, key, value) VALUES (?, ?, ?) ON CONFLICT (model_pk, key) DO UPDATE SET value = excluded.value', [pk, tag.key, tag.value]);
  return {
    async createRegisteredModel(projectId, model, by) {
      try {
        await db.transaction(async (tx) => {
          const rows = await tx.all(
            'INSERT INTO registered_models (project_id, name, description, user_id, creation_timestamp, last_updated_timestamp) VALUES (?, ?, ?, ?, ?, ?) RETURNING pk',
            [projectId, model.name, model.description, model.userId, by.now, by.now],
          );
          for (const tag of model.tags) await upsertTag(tx, Number(rows[0]?.pk), tag);
          await recordRegistryEvent(tx, projectId, { modelName: model.name, action: 'model_created', actor: by.actor, at: by.now });
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new KeelError('ALREADY_EXISTS', `Registered Model (name=${model.name}) already exists.`);
        throw error;
      }
      return mustGet(projectId, model.name);
    },
    getRegisteredModel: get,
    async renameRegisteredModel(projectId, name, newName, by) {
      try {
        await db.transaction(async (tx) => {
          const pk = await requireModelPk(tx, projectId, name);
          await tx.run('UPDATE registered_models SET name = ?, last_updated_timestamp = ? WHERE pk = ?', [newName, by.now, pk]);
          // The history follows the model to its new name.
          await tx.run('UPDATE registry_events SET model_name = ? WHERE project_id = ? AND model_name = ?', [newName, projectId, name]);
          await recordRegistryEvent(tx, projectId, { modelName: newName, action: 'model_renamed', actor: by.actor, at: by.now, details: { from: name, to: newName } });
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new KeelError('ALREADY_EXISTS', `Registered Model (name=${newName}) already exists.`);
        throw error;
      }
      return mustGet(projectId, newName);
    },
    async updateRegisteredModel(projectId, name, description, by) {
      await db.transaction(async (tx) => {
        const pk = await requireModelPk(tx, projectId, name);
        await tx.run('UPDATE registered_models SET description = ?, last_updated_timestamp = ? WHERE pk = ?', [description, by.now, pk]);
      });
      return mustGet(projectId, name);
    },
    async deleteRegisteredModel(projectId, name, by) {
      await db.transaction(async (tx) => {
        const pk = await requireModelPk(tx, projectId, name);
        await tx.run('DELETE FROM model_version_tags WHERE model_pk = ?', [pk]);
        await tx.run('DELETE FROM registered_model_aliases WHERE model_pk = ?', [pk]);
        await tx.run('DELETE FROM model_versions WHERE model_pk = ?', [pk]);
        await tx.run('DELETE FROM registered_model_tags WHERE model_pk = ?', [pk]);
        await tx.run('DELETE FROM registered_models WHERE pk = ?', [pk]);
        await recordRegistryEvent(tx, projectId, { modelName: name, action: 'model_deleted', actor: by.actor, at: by.now });
      });
    },
    async searchRegisteredModels(projectId, search) {
      const where = ['m.project_id = ?'];
      const params: SqlValue[] = [projectId];
      for (const comparison of search.filter) {
        if (comparison.entity === 'tag') {
          const fragment = compileComparison('t.value', comparison.operator, comparison.value);
          where.push(`EXISTS (SELECT 1 FROM registered_model_tags t WHERE t.model_pk = m.pk AND t.key = ? AND ${fragment.sql})`);
          params.push(comparison.key, ...fragment.params);
        } else if (comparison.key === 'name') {
          const fragment = compileComparison('m.name', comparison.operator, comparison.value);
          where.push(fragment.sql);
          params.push(...fragment.params);
        } else {
          throw new KeelError('INVALID_PARAMETER_VALUE', `Invalid attribute '${comparison.key}' for registered models: use name or tags.<key>`);
        }
      }
      const order = search.orderBy.map((clause) => {
        const columnName = modelOrderColumns[clause.key];
        if (columnName === undefined) throw new KeelError('INVALID_PARAMETER_VALUE', `Invalid order_by key '${clause.key}'`);
        return `${columnName} ${clause.ascending ? 'ASC' : 'DESC'}`;
      });
      order.push('m.name ASC');
      const offset = decodeOffsetToken(search.pageToken);
      const rows = await db.all(`SELECT ${modelColumns} FROM registered_models m WHERE ${where.join(' AND ')} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`, [...params, search.maxResults + 1, offset]);
      const page = offsetPage(rows, offset, search.maxResults);
      return { items: await loadRegisteredModels(db, page.items), nextPageToken: page.nextPageToken };
    },
    async setRegisteredModelTag(projectId, name, tag, now) {
      await db.transaction(async (tx) => {
        const pk = await requireModelPk(tx, projectId, name);
        await upsertTag(tx, pk, tag);
        await tx.run('UPDATE registered_models SET last_updated_timestamp = ? WHERE pk = ?', [now, pk]);
      });
    },
    async deleteRegisteredModelTag(projectId, name, key) {
      await db.transaction(async (tx) => {
        const pk = await requireModelPk(tx, projectId, name);
        await tx.run('DELETE FROM registered_model_tags WHERE model_pk = ? AND key = ?', [pk, key]);
      });
    },
    async setAlias(projectId, name, alias, version, by) {
      await db.transaction(async (tx) => {
        const target = await requireVersion(tx, projectId, name, version);
        const previous = await first(tx, 'SELECT version FROM registered_model_aliases WHERE model_pk = ? AND alias = ?', [target.modelPk, alias]);
        await tx.run('INSERT INTO registered_model_aliases (model_pk, alias, version) VALUES (?, ?, ?) ON CONFLICT (model_pk, alias) DO UPDATE SET version = excluded.version', [target.modelPk, alias, target.version]);
        await recordRegistryEvent(tx, projectId, {
          modelName: name, version: target.version, alias, action: 'alias_set', actor: by.actor, at: by.now,
          details: { previous_version: previous === undefined ? null : String(previous.version) },
        });
      });
    },
    async deleteAlias(projectId, name, alias, by) {
      await db.transaction(async (tx) => {
        const pk = await requireModelPk(tx, projectId, name);
        const previous = await first(tx, 'SELECT version FROM registered_model_aliases WHERE model_pk = ? AND alias = ?', [pk, alias]);
        if (previous === undefined) throw notFound(`Registered model alias ${alias} not found.`);
        await tx.run('DELETE FROM registered_model_aliases WHERE model_pk = ? AND alias = ?', [pk, alias]);
        await recordRegistryEvent(tx, projectId, { modelName: name, version: Number(previous.version), alias, action: 'alias_deleted', actor: by.actor, at: by.now });
      });
    },
    async getVersionByAlias(projectId, name, alias) {
      const rows = await db.all(
        `SELECT ${versionColumns} FROM ${versionFrom} JOIN registered_model_aliases a ON a.model_pk = v.model_pk AND a.version = v.version WHERE m.project_id = ? AND m.name = ? AND a.alias = ?`,
        [projectId, name, alias],
      );
      return (await loadModelVersions(db, rows))[0];
    },
    async listRegistryEvents(projectId, name, options) {
      const actionFilter = options.action === undefined ? '' : ' AND action = ?';
      const rows = await db.all(
        `SELECT id, model_name, version, alias, action, actor, at, details_json FROM registry_events WHERE project_id = ? AND model_name = ?${actionFilter} ORDER BY id DESC LIMIT ?`,
        [projectId, name, ...(options.action === undefined ? [] : [options.action]), options.limit],
      );
      return rows.map((row) => ({
        id: Number(row.id),
        modelName: String(row.model_name),
        version: row.version === null ? null : String(row.version),
        alias: row.alias === null ? null : String(row.alias),
        action: String(row.action) as RegistryEventAction,
        actor: String(row.actor),
        at: Number(row.at),
        details: JSON.parse(String(row.details_json)) as Record<string, unknown>,
      }));
    },
  };
}
