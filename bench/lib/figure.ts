import { printTable } from './print-table.ts';

export type Backend = 'sqlite' | 'postgres';

export interface Target {
  op: '>=' | '<';
  value: number;
}

/** One measured figure: what the summary table shows and the JSON keeps. */
export interface Figure {
  bench: string;
  name: string;
  backend: Backend;
  value: number;
  unit: string;
  /** Formatted value for tables. */
  display: string;
  target?: Target | undefined;
  /** The baseline measured in the same run, formatted, with what it is. */
  baseline?: string | undefined;
}

export type Verdict = 'pass' | 'FAIL' | 'info';

/** Whether the figure meets its target, whatever the backend. */
export function meetsTarget(figure: Figure): boolean | undefined {
  if (figure.target === undefined) return undefined;
  const { op, value } = figure.target;
  return op === '>=' ? figure.value >= value : figure.value < value;
}

/**
 * The issues state their targets for SQLite and ask only that ingestion and search run again on
 * PostgreSQL, so a PostgreSQL figure is held to the SQLite target for comparison ('info'), not judged.
 */
export function verdict(figure: Figure): Verdict {
  const met = meetsTarget(figure);
  if (met === undefined || figure.backend === 'postgres') return 'info';
  return met ? 'pass' : 'FAIL';
}

export function targetText(figure: Figure): string {
  if (figure.target === undefined) return '-';
  const text = `${figure.target.op} ${figure.target.value.toLocaleString('en-US')} ${figure.unit}`;
  if (figure.backend !== 'postgres') return text;
  return `SQLite's ${text}: ${meetsTarget(figure) === true ? 'within' : 'outside'}`;
}

export interface BenchResult {
  name: string;
  figures: Figure[];
  /** Everything else worth keeping in the JSON (raw summaries, counts). */
  details: Record<string, unknown>;
}

export function printFigures(title: string, figures: readonly Figure[]): void {
  printTable(
    title,
    ['figure', 'backend', 'value', 'target', 'baseline (same run)', 'result'],
    figures.map((figure) => [`${figure.bench}: ${figure.name}`, figure.backend, figure.display, targetText(figure), figure.baseline ?? '-', verdict(figure)]),
  );
}
