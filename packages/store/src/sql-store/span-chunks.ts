import type { Dialect, SqlExecutor, SqlValue } from '../drivers/sql-driver.ts';

/**
 * On SQLite, generations are indexed by `gen_seq`, a number given at insert, so that new index
 * entries go at the ends of the index instead of all over it (ADR 0020). PostgreSQL, whose WAL
 * logs rows rather than whole pages, keeps the index by start and leaves `gen_seq` empty. `span_chunks` says which span starts a
 * range of `gen_seq` holds: a query for a time window reads the chunks that overlap it and, in
 * each, a range of the index. A chunk covers at most this much time from its earliest start to its
 * latest, so a window reads at most about this much more than it needs at either edge.
 */
export const chunkSpanUs = 3_600_000_000;

/** A generation to number: its project and start. */
export interface SequencedSpan {
  projectId: number;
  span: { startUs: number; model: string | null };
}

interface Chunk {
  seqLo: number;
  seqHi: number;
  startLo: number;
  startHi: number;
}

/** A chunk as read, with the key it is stored under (`seqLo` may move down as it grows) and its values as read. */
interface StoredChunk extends Chunk {
  storedSeqLo: number;
  asRead: string;
}

const values = (chunk: Chunk): string => `${chunk.seqLo} ${chunk.seqHi} ${chunk.startLo} ${chunk.startHi}`;

const fits = (chunk: Chunk, startUs: number): boolean => Math.max(chunk.startHi, startUs) - Math.min(chunk.startLo, startUs) <= chunkSpanUs;

const widen = (chunk: Chunk, startUs: number): void => {
  chunk.startLo = Math.min(chunk.startLo, startUs);
  chunk.startHi = Math.max(chunk.startHi, startUs);
};

async function endChunk(tx: SqlExecutor, projectId: number, order: 'ASC' | 'DESC'): Promise<StoredChunk | undefined> {
  const [row] = await tx.all(`SELECT seq_lo, seq_hi, start_lo, start_hi FROM span_chunks WHERE project_id = ? ORDER BY seq_lo ${order} LIMIT 1`, [projectId]);
  if (row === undefined) return undefined;
  const chunk = { seqLo: Number(row.seq_lo), seqHi: Number(row.seq_hi), startLo: Number(row.start_lo), startHi: Number(row.start_hi) };
  return { ...chunk, storedSeqLo: chunk.seqLo, asRead: values(chunk) };
}

/**
 * Numbers one project's generations and writes the chunks that now cover them. Numbers grow at both
 * ends: a generation that fits the top chunk (the highest numbers) or is newer than it takes the next
 * number above, one older than it the next number below the bottom chunk. Live traffic keeps
 * extending the top chunk, and a late batch of old spans extends the bottom one instead of leaving
 * a chunk of its own between two of live traffic, so both ends of the index only ever grow.
 */
async function sequenceProject(tx: SqlExecutor, projectId: number, generations: readonly SequencedSpan[], seqs: Map<SequencedSpan, number>): Promise<void> {
  const storedTop = await endChunk(tx, projectId, 'DESC');
  const storedBottom = storedTop === undefined ? undefined : await endChunk(tx, projectId, 'ASC');
  // One stored chunk is both ends: one object, so that growing it up and down is one update.
  const stored = [storedTop, storedBottom?.storedSeqLo === storedTop?.storedSeqLo ? storedTop : storedBottom].filter((chunk): chunk is StoredChunk => chunk !== undefined);
  let top: Chunk | undefined = stored[0];
  let bottom: Chunk | undefined = stored.at(-1);
  let up = (top?.seqHi ?? 0) + 1;
  let down = (bottom?.seqLo ?? 1) - 1;
  const opened: Chunk[] = [];
  // Newest first: the top chunk follows the newest spans.
  for (const item of [...generations].sort((a, b) => b.span.startUs - a.span.startUs)) {
    const startUs = item.span.startUs;
    if (top === undefined || (!fits(top, startUs) && startUs > top.startHi)) {
      top = { seqLo: up, seqHi: up, startLo: startUs, startHi: startUs };
      opened.push(top);
      bottom ??= top;
      seqs.set(item, up++);
    } else if (fits(top, startUs)) {
      top.seqHi = up;
      widen(top, startUs);
      seqs.set(item, up++);
    } else if (bottom !== undefined && fits(bottom, startUs)) {
      bottom.seqLo = down;
      widen(bottom, startUs);
      seqs.set(item, down--);
    } else {
      bottom = { seqLo: down, seqHi: down, startLo: startUs, startHi: startUs };
      opened.push(bottom);
      seqs.set(item, down--);
    }
  }
  for (const chunk of stored.filter((candidate) => values(candidate) !== candidate.asRead)) {
    await tx.run('UPDATE span_chunks SET seq_lo = ?, seq_hi = ?, start_lo = ?, start_hi = ? WHERE project_id = ? AND seq_lo = ?', [chunk.seqLo, chunk.seqHi, chunk.startLo, chunk.startHi, projectId, chunk.storedSeqLo]);
  }
  if (opened.length > 0) {
    const params: SqlValue[] = opened.flatMap((chunk) => [projectId, chunk.seqLo, chunk.seqHi, chunk.startLo, chunk.startHi]);
    await tx.run(`INSERT INTO span_chunks (project_id, seq_lo, seq_hi, start_lo, start_hi) VALUES ${opened.map(() => '(?, ?, ?, ?, ?)').join(', ')}`, params);
  }
}

/**
 * The `gen_seq` of each generation (span with a model) in `spans`, numbered after what is already
 * stored, with `span_chunks` updated to cover them; inside the insert's transaction, whose write
 * lock keeps two connections from numbering at once. On PostgreSQL none: there two servers would
 * have to take turns for every insert into a project (a lock held until commit), which halved the
 * ingest of two servers into one project (ADR 0020).
 */
export async function sequenceGenerations<T extends SequencedSpan>(tx: SqlExecutor, spans: readonly T[]): Promise<Map<T, number>> {
  if (tx.dialect === 'postgres') return new Map();
  const byProject = new Map<number, T[]>();
  for (const item of spans) {
    if (item.span.model === null) continue;
    const list = byProject.get(item.projectId);
    if (list === undefined) byProject.set(item.projectId, [item]);
    else list.push(item);
  }
  const seqs = new Map<SequencedSpan, number>();
  for (const [projectId, generations] of byProject) await sequenceProject(tx, projectId, generations, seqs);
  return seqs as Map<T, number>;
}

/**
 * The FROM ... WHERE clause over the generations that started in [fromUs, toUs). On SQLite, the
 * chunks that overlap the window, joined to the index range each covers; on PostgreSQL, a range of
 * the index by start. Columns of `spans` are unqualified names in the rest of the query;
 * `span_chunks` names none of them.
 */
export function generationsInWindow(dialect: Dialect, projectId: number, fromUs: number, toUs: number): { from: string; where: string[]; params: SqlValue[] } {
  if (dialect === 'postgres') {
    return { from: 'FROM spans', where: ['project_id = ?', 'model IS NOT NULL', 'start_us >= ?', 'start_us < ?'], params: [projectId, fromUs, toUs] };
  }
  return {
    from: 'FROM span_chunks c JOIN spans ON spans.project_id = c.project_id AND spans.gen_seq >= c.seq_lo AND spans.gen_seq <= c.seq_hi',
    where: ['c.project_id = ?', 'c.start_lo < ?', 'c.start_hi >= ?', 'spans.model IS NOT NULL', 'spans.start_us >= ?', 'spans.start_us < ?'],
    params: [projectId, toUs, fromUs, fromUs, toUs],
  };
}

/**
 * Removes the chunks whose spans all started before `beforeUs`. Call it in the transaction in which
 * retention found no span left before the cut: then those chunks cover nothing, and numbers they
 * held may be given again.
 */
export async function deleteChunksBefore(tx: SqlExecutor, projectId: number, beforeUs: number): Promise<void> {
  await tx.run('DELETE FROM span_chunks WHERE project_id = ? AND start_hi < ?', [projectId, beforeUs]);
}
