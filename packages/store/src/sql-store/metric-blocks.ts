import type { Metric } from '@keel/spec';
import type { SqlExecutor, SqlRow, SqlValue } from '../drivers/sql-driver.ts';
import { compareMetricPoints, decodeMetricBlock, encodeMetricBlock } from './metric-block-codec.ts';

/**
 * Metric points are stored in blocks (ADR 0014): one `metric_blocks` row holds up to
 * `blockCapacity` points of one run's key, sorted, and the blocks of a series cover disjoint step
 * ranges (a step's points are never split between two blocks), so the blocks in `lo_step` order
 * read as the series in order.
 */
export const blockCapacity = 128;

/** Sorts a series' points and keeps one of each point logged more than once (same step, timestamp and value). */
export function sortUnique(points: readonly Metric[]): Metric[] {
  const sorted = [...points].sort(compareMetricPoints);
  const unique: Metric[] = [];
  for (const point of sorted) {
    const last = unique[unique.length - 1];
    if (last === undefined || compareMetricPoints(last, point) !== 0) unique.push(point);
  }
  return unique;
}

/** Cuts a sorted series into blocks of `blockCapacity` points, cutting only between two steps. */
export function splitIntoBlocks(sorted: readonly Metric[]): Metric[][] {
  const blocks: Metric[][] = [];
  let current: Metric[] = [];
  for (const point of sorted) {
    const last = current[current.length - 1];
    if (last !== undefined && current.length >= blockCapacity && last.step !== point.step) {
      blocks.push(current);
      current = [];
    }
    current.push(point);
  }
  if (current.length > 0) blocks.push(current);
  return blocks;
}

/** Merges two sorted series; `inserted` is what `incoming` added (its points `existing` lacked). */
function mergeSorted(existing: readonly Metric[], incoming: readonly Metric[]): { merged: Metric[]; inserted: Metric[] } {
  const merged: Metric[] = [];
  const inserted: Metric[] = [];
  let i = 0;
  let j = 0;
  while (i < existing.length || j < incoming.length) {
    const old = existing[i];
    const added = incoming[j];
    const order = old === undefined ? 1 : added === undefined ? -1 : compareMetricPoints(old, added);
    if (order <= 0 && old !== undefined) {
      merged.push(old);
      i += 1;
      if (order === 0) j += 1;
    } else if (added !== undefined) {
      merged.push(added);
      inserted.push(added);
      j += 1;
    }
  }
  return { merged, inserted };
}

const blockColumns = 'run_pk, key, lo_step, hi_step, point_count, points';

/**
 * The blocks of a series from the last one starting at or before `from` (the only one that can hold
 * points of `from` while starting before it) up to those starting at `to`, in order.
 */
const blocksFromSql = `SELECT lo_step, hi_step, point_count, points FROM metric_blocks
  WHERE run_pk = ? AND key = ?
    AND lo_step >= COALESCE((SELECT MAX(lo_step) FROM metric_blocks WHERE run_pk = ? AND key = ? AND lo_step <= ?), ?)
    AND lo_step <= ?
  ORDER BY lo_step LIMIT ?`;
const blocksAfterSql = `SELECT lo_step, hi_step, point_count, points FROM metric_blocks
  WHERE run_pk = ? AND key = ? AND lo_step > ? AND lo_step <= ? ORDER BY lo_step LIMIT ?`;

/** The same blocks as `blocksFromSql` for several series of one run at once, one (key, from, to) row each. */
const candidateBlocksSql = (series: number): string => `WITH wanted (key, lo, hi) AS (VALUES ${Array.from({ length: series }, () => '(CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT))').join(', ')})
SELECT b.key, b.lo_step, b.hi_step, b.point_count, b.points FROM wanted w JOIN metric_blocks b ON b.run_pk = ? AND b.key = w.key
  AND b.lo_step >= COALESCE((SELECT MAX(m.lo_step) FROM metric_blocks m WHERE m.run_pk = ? AND m.key = w.key AND m.lo_step <= w.lo), w.lo)
  AND b.lo_step <= w.hi
ORDER BY b.key, b.lo_step`;

// Steps are int64 in MLflow; a bound past every step stands for "no bound".
const noUpperBound = Number.MAX_SAFE_INTEGER;
const noLowerBound = -Number.MAX_SAFE_INTEGER;

/** A block to store: a new one, or a stored one rewritten (same `lo_step`), which the upsert replaces. */
interface BlockWrite {
  key: string;
  points: Metric[];
}

/**
 * Writes blocks in multi-row upserts: a block whose series already has one starting at its first
 * step replaces it (a last block that grew, or a merged one), any other is inserted.
 */
export async function upsertBlocks(tx: SqlExecutor, runPk: number, blocks: readonly BlockWrite[]): Promise<void> {
  for (let start = 0; start < blocks.length; start += 100) {
    const chunk = blocks.slice(start, start + 100);
    const params: SqlValue[] = [];
    for (const { key, points } of chunk) {
      params.push(runPk, key, (points[0] as Metric).step, (points[points.length - 1] as Metric).step, points.length, encodeMetricBlock(points));
    }
    await tx.run(
      `INSERT INTO metric_blocks (${blockColumns}) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
       ON CONFLICT (run_pk, key, lo_step) DO UPDATE SET hi_step = excluded.hi_step, point_count = excluded.point_count, points = excluded.points`,
      params,
    );
  }
}

/** What one series' new points change: the blocks to write, the stored ones to delete first, and the points that are new. */
interface SeriesPlan {
  inserted: Metric[];
  blocks: BlockWrite[];
  /** The `lo_step` range of stored blocks merged into `blocks`: deleted before they are written. */
  replaced: [number, number] | undefined;
}

const blocksOf = (key: string, series: readonly Metric[]): BlockWrite[] => splitIntoBlocks(series).map((points) => ({ key, points }));

/**
 * Plans the write of a series' new points (sorted and unique, `sortUnique`) given the stored blocks
 * `blocksFromSql` returns for their step range. Points past every block join the last block while
 * it has room, and then go into new blocks; points inside the steps of stored blocks are merged
 * with those blocks, which are written again. Points already stored are dropped.
 */
function planSeries(key: string, incoming: readonly Metric[], rows: readonly SqlRow[]): SeriesPlan {
  const first = incoming[0] as Metric;
  const before = rows[0] !== undefined && Number(rows[0].hi_step) < first.step ? rows[0] : undefined;
  const overlapping = before === undefined ? rows : rows.slice(1);
  if (overlapping.length === 0) {
    if (before !== undefined && Number(before.point_count) < blockCapacity) {
      const joined: Metric[] = [];
      decodeMetricBlock(before.points, key, joined);
      for (const point of incoming) joined.push(point);
      return { inserted: [...incoming], blocks: blocksOf(key, joined), replaced: undefined };
    }
    return { inserted: [...incoming], blocks: blocksOf(key, incoming), replaced: undefined };
  }
  const existing: Metric[] = [];
  for (const row of overlapping) decodeMetricBlock(row.points, key, existing);
  const { merged, inserted } = mergeSorted(existing, incoming);
  if (inserted.length === 0) return { inserted, blocks: [], replaced: undefined };
  return { inserted, blocks: blocksOf(key, merged), replaced: [Number((overlapping[0] as SqlRow).lo_step), Number((overlapping[overlapping.length - 1] as SqlRow).lo_step)] };
}

/**
 * Stores new points of several series of one run (each sorted and unique, `sortUnique`) and
 * returns those that were not stored already: one query reads the blocks they touch, one upsert
 * per 100 blocks writes them, and a merge into stored steps deletes the blocks it replaces.
 */
export async function writeRunSeries(tx: SqlExecutor, runPk: number, series: readonly { key: string; incoming: readonly Metric[] }[]): Promise<Metric[]> {
  const wanted = series.filter(({ incoming }) => incoming.length > 0);
  if (wanted.length === 0) return [];
  const params: SqlValue[] = [];
  for (const { key, incoming } of wanted) params.push(key, (incoming[0] as Metric).step, (incoming[incoming.length - 1] as Metric).step);
  const rowsByKey = new Map<string, SqlRow[]>();
  for (const row of await tx.all(candidateBlocksSql(wanted.length), [...params, runPk, runPk])) {
    const key = String(row.key);
    const rows = rowsByKey.get(key);
    if (rows === undefined) rowsByKey.set(key, [row]);
    else rows.push(row);
  }
  const inserted: Metric[] = [];
  const blocks: BlockWrite[] = [];
  for (const { key, incoming } of wanted) {
    const plan = planSeries(key, incoming, rowsByKey.get(key) ?? []);
    for (const point of plan.inserted) inserted.push(point);
    for (const block of plan.blocks) blocks.push(block);
    if (plan.replaced !== undefined) {
      await tx.run('DELETE FROM metric_blocks WHERE run_pk = ? AND key = ? AND lo_step >= ? AND lo_step <= ?', [runPk, key, ...plan.replaced]);
    }
  }
  await upsertBlocks(tx, runPk, blocks);
  return inserted;
}

export interface SeriesRange {
  startStep?: number | undefined;
  endStep?: number | undefined;
}

/**
 * A series' points within `range` (inclusive), in order, after the point `after` when given, at
 * most `limit` of them; `keep` drops points before they count (NaN, say). Reads blocks a few at a
 * time, so a page near the start of a long series reads only the blocks it needs.
 */
export async function readSeries(
  db: SqlExecutor,
  runPk: number,
  key: string,
  range: SeriesRange,
  options: { after?: Metric | undefined; limit?: number; keep?: (point: Metric) => boolean } = {},
): Promise<Metric[]> {
  const { after, limit = Number.POSITIVE_INFINITY, keep } = options;
  const from = Math.max(range.startStep ?? noLowerBound, after?.step ?? noLowerBound);
  const to = range.endStep ?? noUpperBound;
  const points: Metric[] = [];
  if (from > to || limit <= 0) return points;
  const decoded: Metric[] = [];
  const take = (rows: readonly SqlRow[]): void => {
    for (const row of rows) {
      decoded.length = 0;
      decodeMetricBlock(row.points, key, decoded);
      for (const point of decoded) {
        if (point.step < from || point.step > to) continue;
        if (after !== undefined && compareMetricPoints(point, after) <= 0) continue;
        if (keep !== undefined && !keep(point)) continue;
        if (points.length < limit) points.push(point);
      }
    }
  };
  // Blocks per query: enough for a page of `limit` points when they are full, and a few more.
  const pageBlocks = Number.isFinite(limit) ? Math.min(1000, Math.ceil(limit / blockCapacity) + 2) : 1000;
  let rows = await db.all(blocksFromSql, [runPk, key, runPk, key, from, from, to, pageBlocks]);
  for (;;) {
    take(rows);
    const lastRow = rows[rows.length - 1];
    if (points.length >= limit || rows.length < pageBlocks || lastRow === undefined) return points;
    rows = await db.all(blocksAfterSql, [runPk, key, Number(lastRow.lo_step), to, pageBlocks]);
  }
}
