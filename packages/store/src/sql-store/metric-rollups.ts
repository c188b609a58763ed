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

interface Ranked extends Extreme {
  /** The point's place in the batch: of equal extremes, the first one logged is kept. */
  rank: number;
}

const isLower = (a: Ranked, b: Ranked | undefined): boolean => b === undefined || a.value < b.value || (a.value === b.value && a.rank < b.rank);
const isHigher = (a: Ranked, b: Ranked | undefined): boolean => b === undefined || a.value > b.value || (a.value === b.value && a.rank < b.rank);

/**
 * Folds a batch of metrics into one partial per (key, level, bucket), sorted by them. NaN counts
 * but is no extreme; of equal extremes the first one in the batch is kept. Hot on every
 * compaction: each point is folded into its level-1 bucket only, and each level's partials into
 * the next level's (a bucket of level n + 1 is 16 buckets of level n).
 */
export function computeRollups(metrics: readonly Metric[]): RollupPartial[] {
  const partials: RollupPartial[] = [];
  const byKey = new Map<string, Map<number, RollupPartial>>();
  const width = bucketWidth(1);
  for (let rank = 0; rank < metrics.length; rank += 1) {
    const metric = metrics[rank] as Metric;
    let forKey = byKey.get(metric.key);
    if (forKey === undefined) {
      forKey = new Map();
      byKey.set(metric.key, forKey);
    }
    const bucket = Math.floor(metric.step / width);
    let partial = forKey.get(bucket);
    if (partial === undefined) {
      partial = { key: metric.key, level: 1, bucket, count: 0, loStep: metric.step, hiStep: metric.step, min: undefined, max: undefined };
      forKey.set(bucket, partial);
    }
    partial.count += 1;
    if (metric.step < partial.loStep) partial.loStep = metric.step;
    if (metric.step > partial.hiStep) partial.hiStep = metric.step;
    if (!Number.isNaN(metric.value)) {
      const point: Ranked = { value: metric.value, step: metric.step, timestamp: metric.timestamp, rank };
      if (isLower(point, partial.min as Ranked | undefined)) partial.min = point;
      if (isHigher(point, partial.max as Ranked | undefined)) partial.max = point;
    }
  }
  for (const level1 of byKey.values()) {
    let below = [...level1.values()];
    partials.push(...below);
    for (let level = 2; level <= topRollupLevel; level += 1) {
      const merged = new Map<number, RollupPartial>();
      for (const part of below) {
        const bucket = Math.floor(part.bucket / rollupBase);
        const partial = merged.get(bucket);
        if (partial === undefined) {
          merged.set(bucket, { ...part, level, bucket });
          continue;
        }
        partial.count += part.count;
        if (part.loStep < partial.loStep) partial.loStep = part.loStep;
        if (part.hiStep > partial.hiStep) partial.hiStep = part.hiStep;
        if (part.min !== undefined && isLower(part.min as Ranked, partial.min as Ranked | undefined)) partial.min = part.min;
        if (part.max !== undefined && isHigher(part.max as Ranked, partial.max as Ranked | undefined)) partial.max = part.max;
      }
      below = [...merged.values()];
      partials.push(...below);
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
