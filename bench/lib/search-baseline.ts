import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

/** The search the benchmark runs: runs with metric `filterKey` > `threshold`, by metric `orderKey` descending. */
export interface SearchShape {
  filterKey: string;
  threshold: number;
  orderKey: string;
}

export interface RawSearch {
  /** The run ids of the page, in order. */
  query(limit: number): Promise<string[]>;
  /** The page plus its runs' latest metrics, params and tags, as a search answer needs them. */
  queryWithRows(limit: number): Promise<{ runIds: string[]; rows: number }>;
  close(): Promise<void>;
}

// The SQL a hand-written MLflow search would run: filter join, order join, page, then the page's rows.
const searchSql = `
SELECT r.pk, r.run_id, e.experiment_number, r.run_name, r.user_id, r.status, r.start_time, r.end_time, r.artifact_uri, r.lifecycle_stage
FROM runs r JOIN experiments e ON e.pk = r.experiment_pk
JOIN latest_metrics f ON f.run_pk = r.pk AND f.key = ? AND f.is_nan = 0 AND f.value > ?
LEFT JOIN latest_metrics o ON o.run_pk = r.pk AND o.key = ?
WHERE r.project_id = ? AND r.experiment_pk = ? AND r.lifecycle_stage = 'active'
ORDER BY CASE WHEN o.value IS NULL OR o.is_nan = 1 THEN 1 ELSE 0 END, o.value DESC, r.start_time DESC, r.run_id ASC
LIMIT ?`;
const pageSql = (table: string, count: number, numbered: boolean): string =>
  `SELECT * FROM ${table} WHERE run_pk IN (${Array.from({ length: count }, (_unused, index) => (numbered ? `$${index + 1}` : '?')).join(', ')}) ORDER BY key`;
const pageTables = ['latest_metrics', 'run_params', 'run_tags'];

function numbered(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/** The same search straight on the server's SQLite file, read-only, with better-sqlite3. */
export function rawSqliteSearch(home: string, experimentId: string, shape: SearchShape): RawSearch {
  const db = new Database(path.join(home, 'keel.db'), { readonly: true, fileMustExist: true });
  const experiment = db.prepare('SELECT pk, project_id FROM experiments WHERE experiment_number = ?').get(Number(experimentId)) as { pk: number; project_id: number };
  const search = db.prepare(searchSql);
  const pages = new Map<string, Database.Statement>();
  const page = (table: string, count: number): Database.Statement => {
    const key = `${table}:${count}`;
    let statement = pages.get(key);
    if (statement === undefined) {
      statement = db.prepare(pageSql(table, count, false));
      pages.set(key, statement);
    }
    return statement;
  };
  const run = (limit: number) => search.all(shape.filterKey, shape.threshold, shape.orderKey, experiment.project_id, experiment.pk, limit) as { pk: number; run_id: string }[];
  return {
    query: (limit) => Promise.resolve(run(limit).map((row) => row.run_id)),
    queryWithRows: (limit) => {
      const runs = run(limit);
      const pks = runs.map((row) => row.pk);
      let rows = runs.length;
      for (const table of pageTables) rows += page(table, pks.length).all(...pks).length;
      return Promise.resolve({ runIds: runs.map((row) => row.run_id), rows });
    },
    close: () => Promise.resolve(void db.close()),
  };
}

/** The same search on PostgreSQL with node-postgres: named (prepared once), the page's rows read in parallel as Keel does. */
export async function rawPostgresSearch(url: string, experimentId: string, shape: SearchShape): Promise<RawSearch> {
  const pool = new pg.Pool({ connectionString: url, max: pageTables.length });
  const experiment = (await pool.query<{ pk: string; project_id: string }>('SELECT pk, project_id FROM experiments WHERE experiment_number = $1', [Number(experimentId)])).rows[0];
  if (experiment === undefined) throw new Error(`no experiment ${experimentId}`);
  const run = async (limit: number) =>
    (await pool.query<{ pk: string; run_id: string }>({ name: 'bench_search', text: numbered(searchSql), values: [shape.filterKey, shape.threshold, shape.orderKey, experiment.project_id, experiment.pk, limit] })).rows;
  return {
    query: async (limit) => (await run(limit)).map((row) => row.run_id),
    queryWithRows: async (limit) => {
      const runs = await run(limit);
      const pks = runs.map((row) => row.pk);
      const pages = await Promise.all(pageTables.map((table) => pool.query({ name: `bench_${table}_${pks.length}`, text: pageSql(table, pks.length, true), values: pks })));
      return { runIds: runs.map((row) => row.run_id), rows: runs.length + pages.reduce((total, page) => total + page.rows.length, 0) };
    },
    close: () => pool.end(),
  };
}
