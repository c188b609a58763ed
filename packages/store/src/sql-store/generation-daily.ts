import type { SqlExecutor, SqlRow, SqlValue } from '../drivers/sql-driver.ts';
import { nullableNumber, nullableString } from './trace-span-row.ts';

export const dayUs = 86_400_000_000;

/** What one generation adds to its day's row (or, negated, what deleting it takes away). */
export interface GenerationContribution {
  projectId: number;
  startUs: number;
  model: string;
  provider: string | null;
  promptName: string | null;
  promptVersion: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cost: number | null;
}

const keyColumns = ['project_id', 'day', 'model', 'provider', 'prompt_name', 'prompt_version'];
const columns = [...keyColumns, 'generations', 'input_tokens', 'output_tokens', 'cost'];
// 2,000 rows x 10 values stays under both dialects' parameter limits.
const chunkSize = 2_000;

/** A span row read back (RETURNING or SELECT) as a contribution; undefined when it is not a generation. */
export function contributionFromRow(row: SqlRow): GenerationContribution | undefined {
  const model = nullableString(row.model);
  if (model === null) return undefined;
  return {
    projectId: Number(row.project_id), startUs: Number(row.start_us), model, provider: nullableString(row.provider),
    promptName: nullableString(row.prompt_name), promptVersion: nullableNumber(row.prompt_version),
    inputTokens: nullableNumber(row.input_tokens), outputTokens: nullableNumber(row.output_tokens), cost: nullableNumber(row.cost),
  };
}

/**
 * Adds (sign 1) or subtracts (sign -1) generations from their daily rows, summed per row first so
 * that each row is written once. Rows are written in key order, so concurrent PostgreSQL
 * transactions lock them in the same order; a row whose count reaches zero is removed.
 */
export async function applyGenerationDaily(tx: SqlExecutor, generations: readonly GenerationContribution[], sign: 1 | -1): Promise<void> {
  const rows = new Map<string, SqlValue[]>();
  const sums = keyColumns.length;
  for (const item of generations) {
    const key: SqlValue[] = [item.projectId, Math.floor(item.startUs / dayUs), item.model, item.provider ?? '', item.promptName ?? '', item.promptVersion ?? -1];
    const id = JSON.stringify(key);
    const row = rows.get(id) ?? [...key, 0, 0, 0, 0];
    row[sums] = Number(row[sums]) + sign;
    row[sums + 1] = Number(row[sums + 1]) + sign * (item.inputTokens ?? 0);
    row[sums + 2] = Number(row[sums + 2]) + sign * (item.outputTokens ?? 0);
    row[sums + 3] = Number(row[sums + 3]) + sign * (item.cost ?? 0);
    rows.set(id, row);
  }
  const ordered = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  const rowPlaceholder = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < ordered.length; start += chunkSize) {
    const chunk = ordered.slice(start, start + chunkSize);
    await tx.run(
      `INSERT INTO generation_daily (${columns.join(', ')}) VALUES ${chunk.map(() => rowPlaceholder).join(', ')}
       ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET generations = generation_daily.generations + excluded.generations,
         input_tokens = generation_daily.input_tokens + excluded.input_tokens, output_tokens = generation_daily.output_tokens + excluded.output_tokens,
         cost = generation_daily.cost + excluded.cost`,
      chunk.flat(),
    );
  }
  if (sign < 0 && ordered.length > 0) {
    const projects = [...new Set(generations.map((item) => item.projectId))];
    for (const projectId of projects) await tx.run('DELETE FROM generation_daily WHERE project_id = ? AND generations <= 0', [projectId]);
  }
}
