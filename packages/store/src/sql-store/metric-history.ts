import { KeelError, type Metric, type TrackingStore } from '@keel/spec';
import { first, type SqlDriver, type SqlExecutor, type SqlValue } from '../drivers/sql-driver.ts';
import { readSeries } from './metric-blocks.ts';
import { decodeMetricValue, encodeMetricValue } from './metric-value.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';
import { bucketWidth, rollupLevels, topRollupLevel } from './metric-rollups.ts';
import { requireRun } from './run-queries.ts';

type MetricHistoryQueries = Pick<TrackingStore, 'getMetricHistory' | 'getDownsampledMetric'>;

/**
 * Keyset cursor over a series' order (step, timestamp, value, is_nan; `compareMetricPoints`). JSON has no
 * infinities, so an infinite value travels as the string 'Infinity' or '-Infinity'.
 */
function encodeCursor(last: Metric): string {
  const [value, isNan] = encodeMetricValue(last.value);
  return encodePageToken({ after: [last.step, last.timestamp, Number.isFinite(value) ? value : String(value), isNan] });
}

function decodeCursor(key: string, token: string | undefined): Metric | undefined {
  if (token === undefined || token === '') return undefined;
  const cursor = decodePageToken(token).after;
  if (!Array.isArray(cursor) || cursor.length !== 4) throw new KeelError('INVALID_PARAMETER_VALUE', 'Invalid page_token');
  const [step, timestamp, encodedValue, isNan] = cursor as unknown[];
  const value = encodedValue === 'Infinity' || encodedValue === '-Infinity' ? Number(encodedValue) : encodedValue;
  const finite = (part: unknown): part is number => typeof part === 'number' && Number.isFinite(part);
  if (!finite(step) || !finite(timestamp) || !(finite(value) || value === Infinity || value === -Infinity) || !finite(isNan)) {
    throw new KeelError('INVALID_PARAMETER_VALUE', 'Invalid page_token');
  }
  return { key, step, timestamp, value: decodeMetricValue(value, isNan) };
}

interface Bucket {
  min: Metric | undefined;
  max: Metric | undefined;
}

function keepExtremes(buckets: Bucket[], index: number, low: Metric, high: Metric): void {
  const bucket = buckets[index] ?? { min: undefined, max: undefined };
  if (bucket.min === undefined || low.value < bucket.min.value) bucket.min = low;
  if (bucket.max === undefined || high.value > bucket.max.value) bucket.max = high;
  buckets[index] = bucket;
}

const samePoint = (a: Metric, b: Metric): boolean => a === b || (a.step === b.step && a.timestamp === b.timestamp && a.value === b.value);

function flatten(buckets: Bucket[]): Metric[] {
  const points: Metric[] = [];
  for (const bucket of buckets) {
    if (bucket === undefined || bucket.min === undefined || bucket.max === undefined) continue;
    if (samePoint(bucket.min, bucket.max)) points.push(bucket.min);
    else if (bucket.min.step <= bucket.max.step) points.push(bucket.min, bucket.max);
    else points.push(bucket.max, bucket.min);
  }
  return points;
}

async function downsample(db: SqlExecutor, runPk: number, key: string, maxPoints: number, startStep: number | undefined, endStep: number | undefined): Promise<Metric[]> {
  const overlap: SqlValue[] = [];
  let overlapSql = '';
  if (startStep !== undefined) {
    overlapSql += ' AND hi_step >= ?';
    overlap.push(startStep);
  }
  if (endStep !== undefined) {
    overlapSql += ' AND lo_step <= ?';
    overlap.push(endStep);
  }
  const summary = await first(db, `SELECT MIN(lo_step) AS lo, MAX(hi_step) AS hi, SUM(point_count) AS points FROM metric_rollups WHERE run_pk = ? AND key = ? AND level = ?${overlapSql}`, [runPk, key, topRollupLevel, ...overlap]);
  if (summary === undefined || summary.lo === null || summary.lo === undefined) return [];
  const lo = Math.max(Number(summary.lo), startStep ?? -Infinity);
  const hi = Math.min(Number(summary.hi), endStep ?? Infinity);
  if (Number(summary.points) <= maxPoints) return readSeries(db, runPk, key, { startStep: lo, endStep: hi });
  // Two points (the minimum and the maximum) per output bucket.
  const bucketCount = Math.max(1, Math.floor(maxPoints / 2));
  const span = (hi - lo + 1) / bucketCount;
  const indexOf = (step: number): number => Math.min(bucketCount - 1, Math.max(0, Math.floor((step - lo) / span)));
  const level = [...rollupLevels].reverse().find((candidate) => bucketWidth(candidate) <= span);
  const buckets: Bucket[] = [];
  const keepRawPoints = async (from: number, to: number): Promise<void> => {
    if (from > to) return;
    for (const point of await readSeries(db, runPk, key, { startStep: from, endStep: to }, { keep: (candidate) => !Number.isNaN(candidate.value) })) {
      keepExtremes(buckets, indexOf(point.step), point, point);
    }
  };
  if (level === undefined) {
    await keepRawPoints(lo, hi);
    return flatten(buckets);
  }
  // Rollup buckets that lie wholly inside lo..hi; the partly covered ones at either end are read
  // from the raw points, so that no point outside the range is returned.
  const width = bucketWidth(level);
  const firstBucket = Math.ceil(lo / width);
  const lastBucket = Math.floor((hi + 1) / width) - 1;
  if (firstBucket > lastBucket) {
    await keepRawPoints(lo, hi);
    return flatten(buckets);
  }
  await keepRawPoints(lo, firstBucket * width - 1);
  const rows = await db.all(
    `SELECT lo_step, min_value, min_step, min_timestamp, max_value, max_step, max_timestamp FROM metric_rollups
     WHERE run_pk = ? AND key = ? AND level = ? AND bucket >= ? AND bucket <= ? AND min_value IS NOT NULL ORDER BY bucket`,
    [runPk, key, level, firstBucket, lastBucket],
  );
  for (const row of rows) {
    const low: Metric = { key, value: Number(row.min_value), step: Number(row.min_step), timestamp: Number(row.min_timestamp) };
    const high: Metric = { key, value: Number(row.max_value), step: Number(row.max_step), timestamp: Number(row.max_timestamp) };
    keepExtremes(buckets, indexOf(Number(row.lo_step)), low, high);
  }
  await keepRawPoints((lastBucket + 1) * width, hi);
  return flatten(buckets);
}

export function createMetricHistoryQueries(db: SqlDriver): MetricHistoryQueries {
  return {
    async getMetricHistory(projectId, runId, key, query) {
      const run = await requireRun(db, projectId, runId);
      const after = decodeCursor(key, query.pageToken);
      const points = await readSeries(db, run.pk, key, query, { after, limit: query.maxResults + 1 });
      const items = points.slice(0, query.maxResults);
      const last = items[items.length - 1];
      const nextPageToken = points.length > query.maxResults && last !== undefined ? encodeCursor(last) : undefined;
      return { items, nextPageToken };
    },
    async getDownsampledMetric(projectId, runId, key, maxPoints, range) {
      const run = await requireRun(db, projectId, runId);
      return downsample(db, run.pk, key, maxPoints, range?.startStep, range?.endStep);
    },
  };
}
