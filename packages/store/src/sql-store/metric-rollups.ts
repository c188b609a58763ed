import type { Metric } from '@keel/spec';
import type { SqlExecutor, SqlValue } from '../drivers/sql-driver.ts';

/**
 * Metric rollups: for each run and key, per-bucket counts, step range and extremes at levels whose
 * buckets span 16, 256, 4096, 65536 and 1048576 steps. Charts read a level instead of the raw
 * history, so a 1,000,000-point series downsamples from a few thousand rows.
 */
export const rollupLevels = [1, 2, 3, 4, 5] as const;
export const rollupBase = 16;
export const topRollupLevel = 5;

export function bucketWidth(level: number): number {
  return rollupBase ** level;
}

interface Extreme {
  value: number;
  step: number;
  timestamp: number;
}

export interface RollupPartial {
  key: string;
  level: number;
  bucket: number;
  count: number;
  loStep: number;
  hiStep: number;
  min: Extreme | undefined;
  max: Extreme | undefined;
}

const levelWidths = rollupLevels.map((level) => bucketWidth(level));

/**
 * Folds a batch of metrics into one partial per (key, level, bucket), sorted by them. NaN counts
 * but is no extreme. Hot on every log-batch: numeric bucket ids per key and one shared
 * extreme object per point keep it free of string building.
 */
export function computeRollups(metrics: readonly Metric[]): RollupPartial[] {
  const partials: RollupPartial[] = [];
  const byKey = new Map<string, Map<number, RollupPartial>>();
  for (const metric of metrics) {
    let forKey = byKey.get(metric.key);
    if (forKey === undefined) {
      forKey = new Map();
      byKey.set(metric.key, forKey);
    }
    const point: Extreme | undefined = Number.isNaN(metric.value) ? undefined : { value: metric.value, step: metric.step, timestamp: metric.timestamp };
    for (let index = 0; index < rollupLevels.length; index += 1) {
      const level = rollupLevels[index] as number;
      const bucket = Math.floor(metric.step / (levelWidths[index] as number));
      // Levels are 1..5, so bucket * 8 + level is unique per (level, bucket) for any safe step.
      const id = bucket * 8 + level;
      let partial = forKey.get(id);
      if (partial === undefined) {
        partial = { key: metric.key, level, bucket, count: 0, loStep: metric.step, hiStep: metric.step, min: undefined, max: undefined };
        forKey.set(id, partial);
        partials.push(partial);
      }
      partial.count += 1;
      if (metric.step < partial.loStep) partial.loStep = metric.step;
      if (metric.step > partial.hiStep) partial.hiStep = metric.step;
      if (point !== undefined) {
        if (partial.min === undefined || point.value < partial.min.value) partial.min = point;
        if (partial.max === undefined || point.value > partial.max.value) partial.max = point;
      }
    }
  }
  // A fixed order of row locks keeps two concurrent writers to one run from deadlocking.
  return partials.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.level - b.level || a.bucket - b.bucket));
}

const columns = ['run_pk', 'key', 'level', 'bucket', 'point_count', 'lo_step', 'hi_step', 'min_value', 'min_step', 'min_timestamp', 'max_value', 'max_step', 'max_timestamp'];
const rowPlaceholder = `(${columns.map(() => '?').join(', ')})`;

function takeIf(condition: string, names: string[]): string {
  return names.map((name) => `${name} = CASE WHEN ${condition} THEN excluded.${name} ELSE metric_rollups.${name} END`).join(',\n  ');
}

const mergeSet = [
  'point_count = metric_rollups.point_count + excluded.point_count',
  'lo_step = CASE WHEN excluded.lo_step < metric_rollups.lo_step THEN excluded.lo_step ELSE metric_rollups.lo_step END',
  'hi_step = CASE WHEN excluded.hi_step > metric_rollups.hi_step THEN excluded.hi_step ELSE metric_rollups.hi_step END',
  takeIf('excluded.min_value IS NOT NULL AND (metric_rollups.min_value IS NULL OR excluded.min_value < metric_rollups.min_value)', ['min_value', 'min_step', 'min_timestamp']),
  takeIf('excluded.max_value IS NOT NULL AND (metric_rollups.max_value IS NULL OR excluded.max_value > metric_rollups.max_value)', ['max_value', 'max_step', 'max_timestamp']),
].join(',\n  ');

const chunkSize = 100;
const statementFor = (rows: number): string =>
  `INSERT INTO metric_rollups (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => rowPlaceholder).join(', ')}
ON CONFLICT (run_pk, key, level, bucket) DO UPDATE SET
  ${mergeSet}`;

export async function upsertRollups(tx: SqlExecutor, runPk: number, partials: readonly RollupPartial[]): Promise<void> {
  for (let start = 0; start < partials.length; start += chunkSize) {
    const chunk = partials.slice(start, start + chunkSize);
    const params: SqlValue[] = [];
    for (const partial of chunk) {
      params.push(
        runPk, partial.key, partial.level, partial.bucket, partial.count, partial.loStep, partial.hiStep,
        partial.min?.value ?? null, partial.min?.step ?? null, partial.min?.timestamp ?? null,
        partial.max?.value ?? null, partial.max?.step ?? null, partial.max?.timestamp ?? null,
      );
    }
    await tx.run(statementFor(chunk.length), params);
  }
}
