import type { Run } from '@keel/sdk/client';

/** A column of the runs table the user can add: a param, a metric or a tag, by key. */
export type RunColumnKind = 'params' | 'metrics' | 'tags';

export interface RunColumn {
  kind: RunColumnKind;
  key: string;
}

const kinds: readonly RunColumnKind[] = ['params', 'metrics', 'tags'];

/** `metrics.loss` → { kind: 'metrics', key: 'loss' }; keys may contain dots themselves. */
export function parseRunColumn(id: string): RunColumn | undefined {
  const dot = id.indexOf('.');
  if (dot < 0) return undefined;
  const kind = id.slice(0, dot) as RunColumnKind;
  const key = id.slice(dot + 1);
  return kinds.includes(kind) && key !== '' ? { kind, key } : undefined;
}

export const runColumnId = (column: RunColumn): string => `${column.kind}.${column.key}`;

/** The key as the MLflow search grammar writes it: bare when plain, quoted otherwise. */
export function searchKey(column: RunColumn): string {
  if (/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(column.key)) return `${column.kind}.${column.key}`;
  return `${column.kind}."${column.key.replaceAll('"', '""')}"`;
}

/** The value a run holds for the column: a number for metrics, text otherwise. */
export function runColumnValue(run: Run, column: RunColumn): number | string | undefined {
  if (column.kind === 'metrics') return run.data.metrics.find((metric) => metric.key === column.key)?.value;
  const list = column.kind === 'params' ? run.data.params : run.data.tags;
  return list.find((item) => item.key === column.key)?.value;
}
