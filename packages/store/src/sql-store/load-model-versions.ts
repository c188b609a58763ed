import { type KeyValue, type ModelVersion, type ModelVersionStatus, notFound } from '@keel/spec';
import { first, type SqlExecutor, type SqlRow } from '../drivers/sql-driver.ts';
import { placeholders } from './compile-comparison.ts';

export const versionColumns =
  'v.model_pk, m.name, v.version, v.creation_timestamp, v.last_updated_timestamp, v.user_id, v.current_stage, v.description, v.source, v.run_id, v.model_id, v.status, v.status_message, v.run_link';
export const versionFrom = 'model_versions v JOIN registered_models m ON m.pk = v.model_pk';

/** The internal key of a registered model of the project, or a 404. */
export async function requireModelPk(db: SqlExecutor, projectId: number, name: string): Promise<number> {
  const row = await first(db, 'SELECT pk FROM registered_models WHERE project_id = ? AND name = ?', [projectId, name]);
  if (row === undefined) throw notFound(`Registered Model with name=${name} not found`);
  return Number(row.pk);
}

export function parseVersion(version: string): number | undefined {
  return /^(0|[1-9]\d{0,14})$/.test(version) ? Number(version) : undefined;
}

export async function requireVersion(db: SqlExecutor, projectId: number, name: string, version: string): Promise<{ modelPk: number; version: number }> {
  const modelPk = await requireModelPk(db, projectId, name);
  const number = parseVersion(version);
  const row = number === undefined ? undefined : await first(db, 'SELECT version FROM model_versions WHERE model_pk = ? AND version = ?', [modelPk, number]);
  if (row === undefined || number === undefined) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
  return { modelPk, version: number };
}

/** Whole model versions (tags, aliases) for rows selected with `versionColumns`, in their order. */
export async function loadModelVersions(db: SqlExecutor, rows: SqlRow[]): Promise<ModelVersion[]> {
  if (rows.length === 0) return [];
  const modelPks = [...new Set(rows.map((row) => Number(row.model_pk)))];
  const [tagRows, aliasRows] = await Promise.all([
    db.all(`SELECT model_pk, version, key, value FROM model_version_tags WHERE model_pk IN (${placeholders(modelPks.length)}) ORDER BY key`, modelPks),
    db.all(`SELECT model_pk, version, alias FROM registered_model_aliases WHERE model_pk IN (${placeholders(modelPks.length)}) ORDER BY alias`, modelPks),
  ]);
  const id = (row: SqlRow): string => `${String(row.model_pk)}/${String(row.version)}`;
  const tags = new Map<string, KeyValue[]>();
  for (const row of tagRows) tags.set(id(row), [...(tags.get(id(row)) ?? []), { key: String(row.key), value: String(row.value) }]);
  const aliases = new Map<string, string[]>();
  for (const row of aliasRows) aliases.set(id(row), [...(aliases.get(id(row)) ?? []), String(row.alias)]);
  return rows.map((row) => ({
    name: String(row.name),
    version: String(row.version),
    creationTimestamp: Number(row.creation_timestamp),
    lastUpdatedTimestamp: Number(row.last_updated_timestamp),
    userId: String(row.user_id),
    currentStage: String(row.current_stage),
    description: String(row.description),
    source: String(row.source),
    runId: String(row.run_id),
    modelId: String(row.model_id),
    status: String(row.status) as ModelVersionStatus,
    statusMessage: String(row.status_message),
    runLink: String(row.run_link),
    tags: tags.get(id(row)) ?? [],
    aliases: aliases.get(id(row)) ?? [],
  }));
}

export async function recordRegistryEvent(
  tx: SqlExecutor,
  projectId: number,
  event: { modelName: string; version?: number | null; alias?: string | null; action: string; actor: string; at: number; details?: Record<string, unknown> },
): Promise<void> {
  await tx.run('INSERT INTO registry_events (project_id, model_name, version, alias, action, actor, at, details_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
    projectId, event.modelName, event.version ?? null, event.alias ?? null, event.action, event.actor, event.at, JSON.stringify(event.details ?? {}),
  ]);
}
