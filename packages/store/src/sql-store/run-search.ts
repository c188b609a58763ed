import { KeelError, type SearchComparison, type TrackingStore } from '@keel/spec';
import type { SqlDriver, SqlValue } from '../drivers/sql-driver.ts';
import { compileComparison, placeholders } from './compile-comparison.ts';
import { parseExperimentNumber } from './experiment-queries.ts';
import { loadRuns, runFrom, runInfoColumns } from './load-runs.ts';
import { decodeOffsetToken, offsetPage } from './page-token.ts';

const runAttributeColumns: Record<string, string> = {
  run_id: 'r.run_id',
  run_name: 'r.run_name',
  status: 'r.status',
  user_id: 'r.user_id',
  artifact_uri: 'r.artifact_uri',
  lifecycle_stage: 'r.lifecycle_stage',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
  experiment_id: 'e.experiment_number',
};

const datasetColumns: Record<string, string> = { name: 'd.dataset_name', digest: 'd.dataset_digest', context: 'd.context' };

function column(table: Record<string, string>, key: string, what: string): string {
  const name = table[key];
  if (name === undefined) throw new KeelError('INVALID_PARAMETER_VALUE', `Invalid ${what} '${key}'. Valid: ${Object.keys(table).join(', ')}`);
  return name;
}

const entityTable = { metric: 'latest_metrics', param: 'run_params', tag: 'run_tags' } as const;

interface CompiledFilter {
  joins: string[];
  joinParams: SqlValue[];
  where: string[];
  whereParams: SqlValue[];
}

function compileFilter(filter: readonly SearchComparison[], compiled: CompiledFilter): void {
  filter.forEach((comparison, index) => {
    const alias = `f${index}`;
    switch (comparison.entity) {
      case 'metric':
      case 'param':
      case 'tag': {
        const fragment = compileComparison(`${alias}.value`, comparison.operator, comparison.value);
        const nanGuard = comparison.entity === 'metric' ? ` AND ${alias}.is_nan = 0` : '';
        compiled.joins.push(`JOIN ${entityTable[comparison.entity]} ${alias} ON ${alias}.run_pk = r.pk AND ${alias}.key = ?${nanGuard} AND ${fragment.sql}`);
        compiled.joinParams.push(comparison.key, ...fragment.params);
        return;
      }
      case 'attribute': {
        const fragment = compileComparison(column(runAttributeColumns, comparison.key, 'attribute'), comparison.operator, comparison.value);
        compiled.where.push(fragment.sql);
        compiled.whereParams.push(...fragment.params);
        return;
      }
      case 'dataset': {
        const fragment = compileComparison(column(datasetColumns, comparison.key, 'dataset attribute'), comparison.operator, comparison.value);
        compiled.where.push(`EXISTS (SELECT 1 FROM run_inputs d WHERE d.run_pk = r.pk AND ${fragment.sql})`);
        compiled.whereParams.push(...fragment.params);
        return;
      }
    }
  });
}

interface OrderJoin {
  sql: string;
  key: string;
}

export function createRunSearch(db: SqlDriver): TrackingStore['searchRuns'] {
  return async (projectId, query) => {
    const numbers = query.experimentIds.map(parseExperimentNumber).filter((number): number is number => number !== undefined);
    if (numbers.length === 0) return { items: [], nextPageToken: undefined };
    const compiled: CompiledFilter = { joins: [], joinParams: [], where: ['r.project_id = ?', `e.experiment_number IN (${placeholders(numbers.length)})`], whereParams: [projectId, ...numbers] };
    if (query.viewType !== 'ALL') compiled.where.push(`r.lifecycle_stage = '${query.viewType === 'ACTIVE_ONLY' ? 'active' : 'deleted'}'`);
    compileFilter(query.filter, compiled);
    const orderJoins: OrderJoin[] = [];
    const order: string[] = [];
    query.orderBy.forEach((clause, index) => {
      const direction = clause.ascending ? 'ASC' : 'DESC';
      if (clause.entity === 'metric' || clause.entity === 'param' || clause.entity === 'tag') {
        const alias = `o${index}`;
        orderJoins.push({ sql: `LEFT JOIN ${entityTable[clause.entity]} ${alias} ON ${alias}.run_pk = r.pk AND ${alias}.key = ?`, key: clause.key });
        const missing = clause.entity === 'metric' ? `${alias}.value IS NULL OR ${alias}.is_nan = 1` : `${alias}.value IS NULL`;
        order.push(`CASE WHEN ${missing} THEN 1 ELSE 0 END`, `${alias}.value ${direction}`);
      } else if (clause.entity === 'attribute') {
        // NULLs (end_time of an unfinished run) last in both directions, as MLflow does; SQLite and
        // PostgreSQL disagree on where NULLs sort by default.
        const attribute = column(runAttributeColumns, clause.key, 'attribute');
        order.push(`CASE WHEN ${attribute} IS NULL THEN 1 ELSE 0 END`, `${attribute} ${direction}`);
      } else {
        throw new KeelError('INVALID_PARAMETER_VALUE', `Cannot order runs by ${clause.entity} fields`);
      }
    });
    order.push('r.start_time DESC', 'r.run_id ASC');
    const offset = decodeOffsetToken(query.pageToken);
    const limit = query.maxResults + 1;
    const select = (from: string, joins: OrderJoin[], extraWhere: string[], extraParams: SqlValue[], orderBy: string[], count: number, skip: number) =>
      db.all(
        `SELECT ${runInfoColumns} FROM ${from} ${[...compiled.joins, ...joins.map((join) => join.sql)].join(' ')} WHERE ${[...extraWhere, ...compiled.where].join(' AND ')} ORDER BY ${orderBy.join(', ')} LIMIT ? OFFSET ?`,
        [...compiled.joinParams, ...joins.map((join) => join.key), ...extraParams, ...compiled.whereParams, count, skip],
      );
    const [firstJoin, ...otherJoins] = orderJoins;
    let rows;
    if (query.orderBy[0]?.entity === 'metric' && firstJoin !== undefined) {
      // Ordered by a metric: first the runs that have it (read in value order from the
      // latest_metrics (key, value) index, so a page stops early instead of sorting every match),
      // then the runs without it or with NaN. Together they are exactly the order above.
      const rest = order.slice(2);
      const withMetric = await select(
        `latest_metrics o0 CROSS JOIN ${runFrom}`, otherJoins, ['o0.key = ?', 'o0.is_nan = 0', 'o0.run_pk = r.pk'], [firstJoin.key], [order[1] ?? '', ...rest], limit, offset,
      );
      rows = withMetric;
      if (withMetric.length < limit) {
        let before = offset + withMetric.length;
        if (withMetric.length === 0 && offset > 0) {
          const counted = await db.all(
            `SELECT COUNT(*) AS n FROM latest_metrics o0 CROSS JOIN ${runFrom} ${compiled.joins.join(' ')} WHERE o0.key = ? AND o0.is_nan = 0 AND o0.run_pk = r.pk AND ${compiled.where.join(' AND ')}`,
            [...compiled.joinParams, firstJoin.key, ...compiled.whereParams],
          );
          before = Number(counted[0]?.n ?? 0);
        }
        // NaN before missing, as MLflow orders them (and the same on both dialects).
        const nanFirst = 'CASE WHEN o0.value IS NULL THEN 1 ELSE 0 END';
        const withoutMetric = await select(runFrom, orderJoins, ['(o0.value IS NULL OR o0.is_nan = 1)'], [], [nanFirst, ...rest], limit - withMetric.length, Math.max(0, offset - before));
        rows = [...withMetric, ...withoutMetric];
      }
    } else {
      rows = await select(runFrom, orderJoins, [], [], order, limit, offset);
    }
    const page = offsetPage(rows, offset, query.maxResults);
    return { items: await loadRuns(db, page.items), nextPageToken: page.nextPageToken };
  };
}
