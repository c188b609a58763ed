import { type ApiKeyRecord, type AuthStore, KeelError, type Project, type Role } from '@keel/spec';
import { first, type SqlDriver, type SqlRow } from '../drivers/sql-driver.ts';
import { isUniqueViolation } from './sql-errors.ts';

const keyColumns = `k.id, k.project_id, p.name AS project_name, k.name, k.role, k.superuser, k.prefix, k.created_at, k.revoked_at`;

export function createAuthQueries(db: SqlDriver): AuthStore {
  return {
    async createProject(name, now) {
      try {
        const rows = await db.all('INSERT INTO projects (name, created_at) VALUES (?, ?) RETURNING id, name, created_at', [name, now]);
        return toProject(rows[0]);
      } catch (error) {
        if (isUniqueViolation(error)) throw new KeelError('ALREADY_EXISTS', `Project '${name}' already exists`);
        throw error;
      }
    },
    async getProjectByName(name) {
      const row = await first(db, 'SELECT id, name, created_at FROM projects WHERE name = ?', [name]);
      return row === undefined ? undefined : toProject(row);
    },
    async listProjects() {
      return (await db.all('SELECT id, name, created_at FROM projects ORDER BY id')).map(toProject);
    },
    async createApiKey(key) {
      try {
        await db.run(
          'INSERT INTO api_keys (id, project_id, name, role, superuser, key_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [key.id, key.projectId, key.name, key.role, key.superuser ? 1 : 0, key.keyHash, key.prefix, key.createdAt],
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new KeelError('ALREADY_EXISTS', `API key '${key.id}' already exists`);
        throw error;
      }
      const row = await first(db, `SELECT ${keyColumns} FROM api_keys k JOIN projects p ON p.id = k.project_id WHERE k.id = ?`, [key.id]);
      return toApiKey(row);
    },
    async findApiKeyByHash(keyHash) {
      const row = await first(db, `SELECT ${keyColumns} FROM api_keys k JOIN projects p ON p.id = k.project_id WHERE k.key_hash = ?`, [keyHash]);
      return row === undefined ? undefined : toApiKey(row);
    },
    async listApiKeys(projectId) {
      const rows =
        projectId === undefined
          ? await db.all(`SELECT ${keyColumns} FROM api_keys k JOIN projects p ON p.id = k.project_id ORDER BY k.created_at, k.id`)
          : await db.all(`SELECT ${keyColumns} FROM api_keys k JOIN projects p ON p.id = k.project_id WHERE k.project_id = ? ORDER BY k.created_at, k.id`, [projectId]);
      return rows.map(toApiKey);
    },
    async revokeApiKey(id, projectId, now) {
      const changed =
        projectId === undefined
          ? await db.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, id])
          : await db.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND project_id = ? AND revoked_at IS NULL', [now, id, projectId]);
      return changed > 0;
    },
  };
}

function toProject(row: SqlRow | undefined): Project {
  if (row === undefined) throw new KeelError('INTERNAL_ERROR', 'project row missing');
  return { id: Number(row.id), name: String(row.name), createdAt: Number(row.created_at) };
}

function toApiKey(row: SqlRow | undefined): ApiKeyRecord {
  if (row === undefined) throw new KeelError('INTERNAL_ERROR', 'api key row missing');
  return {
    id: String(row.id),
    projectId: Number(row.project_id),
    projectName: String(row.project_name),
    name: String(row.name),
    role: String(row.role) as Role,
    superuser: Number(row.superuser) === 1,
    prefix: String(row.prefix),
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null || row.revoked_at === undefined ? null : Number(row.revoked_at),
  };
}
