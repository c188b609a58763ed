import Database from 'better-sqlite3';

export interface StoredSpansCheck {
  /** Every span in the file, whatever request brought it. */
  stored: number;
  /** Spans asked about. */
  checked: number;
  /** Of those, the ones the file does not hold. */
  missing: number;
  firstMissing: string | undefined;
}

/**
 * Reads a Keel SQLite file directly (read-only, no server code in between) and looks up each given
 * span by its primary key: what "no acknowledged span lost" means, checked against the disk.
 */
export function checkStoredSpans(database: string, spans: Iterable<{ traceId: string; spanId: string }>): StoredSpansCheck {
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    const stored = (db.prepare('SELECT COUNT(*) AS n FROM spans').get() as { n: number }).n;
    const project = db.prepare("SELECT id FROM projects WHERE name = 'default'").get() as { id: number } | undefined;
    if (project === undefined) throw new Error(`${database} has no default project`);
    const lookup = db.prepare('SELECT 1 FROM spans WHERE project_id = ? AND trace_id = ? AND span_id = ?').pluck();
    let checked = 0;
    let missing = 0;
    let firstMissing: string | undefined;
    for (const span of spans) {
      checked += 1;
      if (lookup.get(project.id, span.traceId, span.spanId) === undefined) {
        missing += 1;
        firstMissing ??= `${span.traceId}/${span.spanId}`;
      }
    }
    return { stored, checked, missing, firstMissing };
  } finally {
    db.close();
  }
}

/** Average characters per stored span of the heavy columns, read straight from a Keel SQLite file. */
export function storedSpanChars(database: string): { input: number; output: number; raw: number; pageBytes: number } {
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT AVG(LENGTH(input)) AS input, AVG(LENGTH(output)) AS output, AVG(LENGTH(raw)) AS raw, COUNT(*) AS n FROM spans').get() as { input: number | null; output: number | null; raw: number | null; n: number };
    // Pages of the table itself (its b-tree and overflow pages), per span.
    const pages = db.prepare("SELECT COUNT(*) AS pages FROM dbstat WHERE name = 'spans'").get() as { pages: number } | undefined;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    return { input: row.input ?? 0, output: row.output ?? 0, raw: row.raw ?? 0, pageBytes: row.n === 0 || pages === undefined ? 0 : (pages.pages * pageSize) / row.n };
  } finally {
    db.close();
  }
}
