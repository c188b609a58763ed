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
