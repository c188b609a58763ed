import type { TraceSettings, TraceStore } from '@keel/spec';
import { first, type SqlDriver } from '../drivers/sql-driver.ts';

export const defaultTraceSettings = (): TraceSettings => ({ retentionDays: null, pii: { detectors: [], custom: [] }, prices: [] });

/**
 * Settings live in a table of their own; retention_days is also a column so that the retention job
 * finds the projects to clean without reading every project's settings.
 */
export function createTraceSettingsQueries(db: SqlDriver): Pick<TraceStore, 'getTraceSettings' | 'setTraceSettings' | 'listRetention'> {
  return {
    async getTraceSettings(projectId) {
      const row = await first(db, 'SELECT settings_json FROM trace_settings WHERE project_id = ?', [projectId]);
      return row === undefined ? defaultTraceSettings() : (JSON.parse(String(row.settings_json)) as TraceSettings);
    },
    async setTraceSettings(projectId, settings) {
      await db.run(
        `INSERT INTO trace_settings (project_id, retention_days, settings_json) VALUES (?, ?, ?)
         ON CONFLICT (project_id) DO UPDATE SET retention_days = excluded.retention_days, settings_json = excluded.settings_json`,
        [projectId, settings.retentionDays, JSON.stringify(settings)],
      );
    },
    async listRetention() {
      const rows = await db.all('SELECT project_id, retention_days FROM trace_settings WHERE retention_days IS NOT NULL ORDER BY project_id');
      return rows.map((row) => ({ projectId: Number(row.project_id), retentionDays: Number(row.retention_days) }));
    },
  };
}
