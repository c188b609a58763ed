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

// Steps are int64 in MLflow; a bound past every step stands for "no bound".
const noUpperBound = Number.MAX_SAFE_INTEGER;
const noLowerBound = -Number.MAX_SAFE_INTEGER;

/** Inserts new blocks of one series (each sorted, none touching another block's steps). */
export async function insertBlocks(tx: SqlExecutor, runPk: number, key: string, blocks: readonly Metric[][]): Promise<void> {
  for (let start = 0; start < blocks.length; start += 100) {
    const chunk = blocks.slice(start, start + 100);
    const params: SqlValue[] = [];
    for (const block of chunk) {
      params.push(runPk, key, (block[0] as Metric).step, (block[block.length - 1] as Metric).step, block.length, encodeMetricBlock(block));
    }
    await tx.run(`INSERT INTO metric_blocks (${blockColumns}) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`, params);
  }
}

/**
 * Stores a series' new points (sorted and unique, `sortUnique`) and returns those that were not
 * stored already. Points past the series' last block join it while it has room; points inside the
 * steps of stored blocks are merged into them, and those blocks rewritten.
 */
export async function writeSeries(tx: SqlExecutor, runPk: number, key: string, incoming: readonly Metric[]): Promise<Metric[]> {
  const first = incoming[0];
  const last = incoming[incoming.length - 1];
  if (first === undefined || last === undefined) return [];
  const rows = await tx.all(blocksFromSql, [runPk, key, runPk, key, first.step, first.step, last.step, noUpperBound]);
  const before = rows[0] !== undefined && Number(rows[0].hi_step) < first.step ? rows[0] : undefined;
  const overlapping = before === undefined ? rows : rows.slice(1);
  if (overlapping.length === 0) {
    if (before !== undefined && Number(before.point_count) < blockCapacity) {
      const joined: Metric[] = [];
      decodeMetricBlock(before.points, key, joined);
      const [head, ...rest] = splitIntoBlocks([...joined, ...incoming]);
      const loStep = Number(before.lo_step);
      await tx.run('UPDATE metric_blocks SET hi_step = ?, point_count = ?, points = ? WHERE run_pk = ? AND key = ? AND lo_step = ?', [
        (head?.[head.length - 1] as Metric).step, head?.length ?? 0, encodeMetricBlock(head ?? []), runPk, key, loStep,
      ]);
      await insertBlocks(tx, runPk, key, rest);
    } else {
      await insertBlocks(tx, runPk, key, splitIntoBlocks(incoming));
    }
    return [...incoming];
  }
  const existing: Metric[] = [];
  for (const row of overlapping) decodeMetricBlock(row.points, key, existing);
  const { merged, inserted } = mergeSorted(existing, incoming);
  if (inserted.length === 0) return inserted;
  await tx.run('DELETE FROM metric_blocks WHERE run_pk = ? AND key = ? AND lo_step >= ? AND lo_step <= ?', [
    runPk, key, Number((overlapping[0] as SqlRow).lo_step), Number((overlapping[overlapping.length - 1] as SqlRow).lo_step),
  ]);
  await insertBlocks(tx, runPk, key, splitIntoBlocks(merged));
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
