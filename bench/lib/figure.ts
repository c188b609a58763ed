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

export function verdict(figure: Figure): Verdict {
  if (figure.target === undefined) return 'info';
  const { op, value } = figure.target;
  const ok = op === '>=' ? figure.value >= value : figure.value < value;
  return ok ? 'pass' : 'FAIL';
}

export function targetText(figure: Figure): string {
  return figure.target === undefined ? '-' : `${figure.target.op} ${figure.target.value.toLocaleString('en-US')} ${figure.unit}`;
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
