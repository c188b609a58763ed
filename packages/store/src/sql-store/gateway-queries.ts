import { type GatewayKeyRecord, type GatewayStore, type GatewayUsageDelta, type GatewayUsageRow, KeelError } from '@keel/spec';
import { first, type SqlDriver, type SqlRow, type SqlValue } from '../drivers/sql-driver.ts';
import { isUniqueViolation } from './sql-errors.ts';

const keyColumns = 'id, project_id, name, prefix, created_at, revoked_at';
const usageKey = ['project_id', 'day', 'key_name', 'model'] as const;
const usageCounts = ['requests', 'errors', 'cache_hits', 'input_tokens', 'output_tokens', 'estimated_requests', 'cost_micros'] as const;
// 1,000 rows x 11 values stays under both dialects' parameter limits.
const usageChunk = 1_000;
const groupColumns = { day: 'day', key: 'key_name', model: 'model' } as const;

function toKey(row: SqlRow): GatewayKeyRecord {
  return {
    id: String(row.id),
    projectId: Number(row.project_id),
    name: String(row.name),
    prefix: String(row.prefix),
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null || row.revoked_at === undefined ? null : Number(row.revoked_at),
  };
}

function usageValues(delta: GatewayUsageDelta): SqlValue[] {
  return [delta.projectId, delta.day, delta.keyName, delta.model, delta.requests, delta.errors, delta.cacheHits, delta.inputTokens, delta.outputTokens, delta.estimatedRequests, Math.round(delta.costMicros)];
}

export function createGatewayQueries(db: SqlDriver): GatewayStore {
  return {
    async getGatewayConfig(projectId) {
      const row = await first(db, 'SELECT project_id, document, version, updated_at FROM gateway_configs WHERE project_id = ?', [projectId]);
      if (row === undefined) return null;
      return { projectId: Number(row.project_id), document: JSON.parse(String(row.document)) as unknown, version: Number(row.version), updatedAt: Number(row.updated_at) };
    },
    async putGatewayConfig(projectId, document, updatedAt, expectedVersion) {
      const text = JSON.stringify(document);
      const conflict = (found: number): KeelError =>
        new KeelError('RESOURCE_CONFLICT', `The gateway configuration is at version ${found}, not ${expectedVersion ?? 0}: read it again and retry`, { details: { version: found } });
      return db.transaction(async (tx) => {
        // The version is bumped by the UPDATE itself, so two servers writing at once never both win
        // one expected version: PostgreSQL re-checks the WHERE clause after the first commits.
        const updated = await first(
          tx,
          `UPDATE gateway_configs SET document = ?, version = version + 1, updated_at = ? WHERE project_id = ?${expectedVersion === undefined ? '' : ' AND version = ?'} RETURNING version`,
          [text, updatedAt, projectId, ...(expectedVersion === undefined ? [] : [expectedVersion])],
        );
        if (updated !== undefined) return { projectId, document: JSON.parse(text) as unknown, version: Number(updated.version), updatedAt };
        const current = await first(tx, 'SELECT version FROM gateway_configs WHERE project_id = ?', [projectId]);
        if (current !== undefined) throw conflict(Number(current.version));
        if (expectedVersion !== undefined && expectedVersion !== 0) throw conflict(0);
        const inserted = await first(
          tx,
          'INSERT INTO gateway_configs (project_id, document, version, updated_at) VALUES (?, ?, 1, ?) ON CONFLICT (project_id) DO NOTHING RETURNING version',
          [projectId, text, updatedAt],
        );
        // Another server inserted the first version between our UPDATE and INSERT.
        if (inserted === undefined) throw conflict(1);
        return { projectId, document: JSON.parse(text) as unknown, version: 1, updatedAt };
      });
    },
    async listGatewayConfigVersions() {
      const rows = await db.all('SELECT project_id, version FROM gateway_configs ORDER BY project_id');
      return rows.map((row) => ({ projectId: Number(row.project_id), version: Number(row.version) }));
    },
    async createGatewayKey(record, secretHash) {
      try {
        await db.run(
          'INSERT INTO gateway_keys (id, project_id, name, prefix, secret_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [record.id, record.projectId, record.name, record.prefix, secretHash, record.createdAt, record.revokedAt],
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw new KeelError('ALREADY_EXISTS', `A live virtual key named '${record.name}' already exists`, { cause: error });
        throw error;
      }
    },
    async findGatewayKeyByHash(secretHash) {
      const row = await first(db, `SELECT ${keyColumns} FROM gateway_keys WHERE secret_hash = ? AND revoked_at IS NULL`, [secretHash]);
      return row === undefined ? null : toKey(row);
    },
    async listGatewayKeys(projectId) {
      return (await db.all(`SELECT ${keyColumns} FROM gateway_keys WHERE project_id = ? ORDER BY created_at, id`, [projectId])).map(toKey);
    },
    async revokeGatewayKey(projectId, name, revokedAt) {
      return (await db.run('UPDATE gateway_keys SET revoked_at = ? WHERE project_id = ? AND name = ? AND revoked_at IS NULL', [revokedAt, projectId, name])) > 0;
    },
    async addGatewayUsage(deltas) {
      if (deltas.length === 0) return;
      // One row per key, summed here, and written in key order so that concurrent PostgreSQL
      // transactions lock rows in the same order.
      const rows = new Map<string, SqlValue[]>();
      for (const delta of deltas) {
        const values = usageValues(delta);
        const id = JSON.stringify(values.slice(0, usageKey.length));
        const row = rows.get(id);
        if (row === undefined) rows.set(id, values);
        else for (let index = usageKey.length; index < row.length; index += 1) row[index] = Number(row[index]) + Number(values[index]);
      }
      const ordered = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
      const columns = [...usageKey, ...usageCounts];
      const placeholder = `(${columns.map(() => '?').join(', ')})`;
      const additions = usageCounts.map((column) => `${column} = gateway_usage_daily.${column} + excluded.${column}`).join(', ');
      await db.transaction(async (tx) => {
        for (let start = 0; start < ordered.length; start += usageChunk) {
          const chunk = ordered.slice(start, start + usageChunk);
          await tx.run(
            `INSERT INTO gateway_usage_daily (${columns.join(', ')}) VALUES ${chunk.map(() => placeholder).join(', ')} ON CONFLICT (${usageKey.join(', ')}) DO UPDATE SET ${additions}`,
            chunk.flat(),
          );
        }
      });
    },
    async queryGatewayUsage(query) {
      const groups = [...new Set(query.groupBy)].sort((a, b) => ['day', 'key', 'model'].indexOf(a) - ['day', 'key', 'model'].indexOf(b));
      const groupSql = groups.map((group) => groupColumns[group]);
      const where = ['project_id = ?', 'day >= ?', 'day <= ?'];
      const params: SqlValue[] = [query.projectId, query.fromDay, query.toDay];
      if (query.keyName !== undefined) {
        where.push('key_name = ?');
        params.push(query.keyName);
      }
      if (query.model !== undefined) {
        where.push('model = ?');
        params.push(query.model);
      }
      const sums = usageCounts.map((column) => `SUM(${column}) AS ${column}`).join(', ');
      const rows = await db.all(
        `SELECT ${[...groupSql, sums].join(', ')} FROM gateway_usage_daily WHERE ${where.join(' AND ')}${groupSql.length === 0 ? '' : ` GROUP BY ${groupSql.join(', ')} ORDER BY ${groupSql.join(', ')}`}`,
        params,
      );
      return rows
        .filter((row) => row.requests !== null && row.requests !== undefined)
        .map((row): GatewayUsageRow => ({
          day: groups.includes('day') ? String(row.day) : null,
          keyName: groups.includes('key') ? String(row.key_name) : null,
          model: groups.includes('model') ? String(row.model) : null,
          requests: Number(row.requests),
          errors: Number(row.errors),
          cacheHits: Number(row.cache_hits),
          inputTokens: Number(row.input_tokens),
          outputTokens: Number(row.output_tokens),
          estimatedRequests: Number(row.estimated_requests),
          costMicros: Number(row.cost_micros),
        }));
    },
  };
}
