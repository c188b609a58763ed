import { KeelError, type RegistryStore } from '@keel/spec';
import { first, type SqlDriver, type SqlValue } from '../drivers/sql-driver.ts';
import { compileComparison } from './compile-comparison.ts';
import { loadModelVersions, recordRegistryEvent, requireVersion, versionColumns, versionFrom } from './load-model-versions.ts';
import { decodeOffsetToken, offsetPage } from './page-token.ts';

type ModelVersionQueries = Pick<
  RegistryStore,
  'createModelVersion' | 'getModelVersion' | 'updateModelVersion' | 'deleteModelVersion' | 'searchModelVersions' | 'setModelVersionTag' | 'deleteModelVersionTag' | 'listModelVersionsForRun'
>;

const versionFilterColumns: Record<string, string> = { name: 'm.name', run_id: 'v.run_id', source_path: 'v.source', version_number: 'v.version', model_id: 'v.model_id' };
const versionOrderColumns: Record<string, string> = {
  name: 'm.name',
  version_number: 'v.version',
  creation_timestamp: 'v.creation_timestamp',
  last_updated_timestamp: 'v.last_updated_timestamp',
  timestamp: 'v.last_updated_timestamp',
};

export function createModelVersionQueries(db: SqlDriver): ModelVersionQueries {
  const get = async (projectId: number, name: string, version: string) => {
    if (!/^(0|[1-9]\d{0,14})$/.test(version)) return undefined;
    const rows = await db.all(`SELECT ${versionColumns} FROM ${versionFrom} WHERE m.project_id = ? AND m.name = ? AND v.version = ?`, [projectId, name, Number(version)]);
    return (await loadModelVersions(db, rows))[0];
  };
  const mustGet = async (projectId: number, name: string, version: string) => {
    const found = await get(projectId, name, version);
    if (found === undefined) throw new KeelError('RESOURCE_DOES_NOT_EXIST', `Model Version (name=${name}, version=${version}) not found`);
    return found;
  };
  return {
    async createModelVersion(projectId, name, version, by) {
      const number = await db.transaction(async (tx) => {
        const counter = await first(
          tx,
          'UPDATE registered_models SET next_version = next_version + 1, last_updated_timestamp = ? WHERE project_id = ? AND name = ? RETURNING pk, next_version',
          [by.now, projectId, name],
        );
        if (counter === undefined) throw new KeelError('RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`);
        const modelPk = Number(counter.pk);
        const created = Number(counter.next_version) - 1;
        await tx.run(
          `INSERT INTO model_versions (model_pk, version, creation_timestamp, last_updated_timestamp, user_id, current_stage, description, source, run_id, model_id, status, status_message, run_link)
           VALUES (?, ?, ?, ?, ?, 'None', ?, ?, ?, ?, 'READY', '', ?)`,
          [modelPk, created, by.now, by.now, version.userId, version.description, version.source, version.runId, version.modelId, version.runLink],
        );
        for (const tag of version.tags) {
          await tx.run('INSERT INTO model_version_tags (model_pk, version, key, value) VALUES (?, ?, ?, ?) ON CONFLICT (model_pk, version, key) DO UPDATE SET value = excluded.value', [modelPk, created, tag.key, tag.value]);
        }
        await recordRegistryEvent(tx, projectId, { modelName: name, version: created, action: 'version_created', actor: by.actor, at: by.now, details: { source: version.source, run_id: version.runId } });
        return created;
      });
      return mustGet(projectId, name, String(number));
    },
    getModelVersion: get,
    async updateModelVersion(projectId, name, version, update, by) {
      await db.transaction(async (tx) => {
        const target = await requireVersion(tx, projectId, name, version);
        if (update.description !== undefined) await tx.run('UPDATE model_versions SET description = ? WHERE model_pk = ? AND version = ?', [update.description, target.modelPk, target.version]);
        if (update.stage !== undefined) await tx.run('UPDATE model_versions SET current_stage = ? WHERE model_pk = ? AND version = ?', [update.stage, target.modelPk, target.version]);
        await tx.run('UPDATE model_versions SET last_updated_timestamp = ? WHERE model_pk = ? AND version = ?', [by.now, target.modelPk, target.version]);
        await recordRegistryEvent(tx, projectId, { modelName: name, version: target.version, action: 'version_updated', actor: by.actor, at: by.now, details: { ...update } });
      });
      return mustGet(projectId, name, version);
    },
    async deleteModelVersion(projectId, name, version, by) {
      await db.transaction(async (tx) => {
        const target = await requireVersion(tx, projectId, name, version);
        await tx.run('DELETE FROM model_version_tags WHERE model_pk = ? AND version = ?', [target.modelPk, target.version]);
        await tx.run('DELETE FROM registered_model_aliases WHERE model_pk = ? AND version = ?', [target.modelPk, target.version]);
        await tx.run('DELETE FROM model_versions WHERE model_pk = ? AND version = ?', [target.modelPk, target.version]);
        await recordRegistryEvent(tx, projectId, { modelName: name, version: target.version, action: 'version_deleted', actor: by.actor, at: by.now });
      });
    },
    async searchModelVersions(projectId, search) {
      const where = ['m.project_id = ?'];
      const params: SqlValue[] = [projectId];
      for (const comparison of search.filter) {
        if (comparison.entity === 'tag') {
          const fragment = compileComparison('t.value', comparison.operator, comparison.value);
          where.push(`EXISTS (SELECT 1 FROM model_version_tags t WHERE t.model_pk = v.model_pk AND t.version = v.version AND t.key = ? AND ${fragment.sql})`);
          params.push(comparison.key, ...fragment.params);
          continue;
        }
        const columnName = versionFilterColumns[comparison.key];
        if (columnName === undefined) throw new KeelError('INVALID_PARAMETER_VALUE', `Invalid attribute '${comparison.key}' for model versions`);
        const fragment = compileComparison(columnName, comparison.operator, comparison.value);
        where.push(fragment.sql);
        params.push(...fragment.params);
      }
      const order = search.orderBy.map((clause) => {
        const columnName = versionOrderColumns[clause.key];
        if (columnName === undefined) throw new KeelError('INVALID_PARAMETER_VALUE', `Invalid order_by key '${clause.key}'`);
        return `${columnName} ${clause.ascending ? 'ASC' : 'DESC'}`;
      });
      order.push('m.name ASC', 'v.version DESC');
      const offset = decodeOffsetToken(search.pageToken);
      const rows = await db.all(`SELECT ${versionColumns} FROM ${versionFrom} WHERE ${where.join(' AND ')} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`, [...params, search.maxResults + 1, offset]);
      const page = offsetPage(rows, offset, search.maxResults);
      return { items: await loadModelVersions(db, page.items), nextPageToken: page.nextPageToken };
    },
    async setModelVersionTag(projectId, name, version, tag, now) {
      await db.transaction(async (tx) => {
        const target = await requireVersion(tx, projectId, name, version);
        await tx.run('INSERT INTO model_version_tags (model_pk, version, key, value) VALUES (?, ?, ?, ?) ON CONFLICT (model_pk, version, key) DO UPDATE SET value = excluded.value', [target.modelPk, target.version, tag.key, tag.value]);
        await tx.run('UPDATE model_versions SET last_updated_timestamp = ? WHERE model_pk = ? AND version = ?', [now, target.modelPk, target.version]);
      });
    },
    async deleteModelVersionTag(projectId, name, version, key) {
      await db.transaction(async (tx) => {
        const target = await requireVersion(tx, projectId, name, version);
        await tx.run('DELETE FROM model_version_tags WHERE model_pk = ? AND version = ? AND key = ?', [target.modelPk, target.version, key]);
      });
    },
    async listModelVersionsForRun(projectId, runId) {
      const rows = await db.all(`SELECT ${versionColumns} FROM ${versionFrom} WHERE m.project_id = ? AND v.run_id = ? ORDER BY m.name, v.version`, [projectId, runId]);
      return loadModelVersions(db, rows);
    },
  };
}
