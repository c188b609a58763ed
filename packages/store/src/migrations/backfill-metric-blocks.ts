import type { Metric } from '@keel/spec';
import type { SqlExecutor } from '../drivers/sql-driver.ts';
import { decodeMetricValue } from '../sql-store/metric-value.ts';
import { splitIntoBlocks, upsertBlocks } from '../sql-store/metric-blocks.ts';

const pageRows = 10_000;

/**
 * Migration 10: moves every point of the one-row-per-point `metrics` table into blocks (ADR 0014),
 * a series at a time and a page of rows at a time, then drops the table. The rows come in the
 * table's key order, which is the blocks' order, and are unique, so they are packed as they come.
 */
export async function backfillMetricBlocks(tx: SqlExecutor): Promise<void> {
  const series = await tx.all('SELECT DISTINCT run_pk, key FROM metrics ORDER BY run_pk, key');
  for (const { run_pk: runPkValue, key: keyValue } of series) {
    const runPk = Number(runPkValue);
    const key = String(keyValue);
    let pending: Metric[] = [];
    let after: unknown[] | undefined;
    for (;;) {
      const rows = await tx.all(
        `SELECT step, timestamp, value, is_nan FROM metrics WHERE run_pk = ? AND key = ?${after === undefined ? '' : ' AND (step, timestamp, value, is_nan) > (?, ?, ?, ?)'}
         ORDER BY step, timestamp, value, is_nan LIMIT ?`,
        [runPk, key, ...((after ?? []) as number[]), pageRows],
      );
      for (const row of rows) pending.push({ key, step: Number(row.step), timestamp: Number(row.timestamp), value: decodeMetricValue(row.value, row.is_nan) });
      const lastRow = rows[rows.length - 1];
      if (rows.length < pageRows || lastRow === undefined) break;
      after = [Number(lastRow.step), Number(lastRow.timestamp), Number(lastRow.value), Number(lastRow.is_nan)];
      // The last block may still grow with the next page's points (of its last step, say).
      const blocks = splitIntoBlocks(pending);
      pending = blocks.pop() ?? [];
      await upsertBlocks(tx, runPk, blocks.map((points) => ({ key, points })));
    }
    await upsertBlocks(tx, runPk, splitIntoBlocks(pending).map((points) => ({ key, points })));
  }
  await tx.run('DROP TABLE metrics');
}
