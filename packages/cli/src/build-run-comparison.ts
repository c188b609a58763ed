import type { Run } from '@keel/sdk';

export type ComparedValue = string | number | null;

export interface ComparisonRow {
  /** `status`, `params.<key>` or `metrics.<key>`: the names the search filter uses. */
  key: string;
  /** One per run, in the order given; null where the run lacks the key. */
  values: ComparedValue[];
  differs: boolean;
}

const same = (left: ComparedValue, right: ComparedValue): boolean => Object.is(left, right);

/** Params and latest metric values of runs side by side; a row differs when any two runs disagree or one lacks it. */
export function buildRunComparison(runs: readonly Run[]): ComparisonRow[] {
  const row = (key: string, values: ComparedValue[]): ComparisonRow => ({ key, values, differs: values.some((value) => !same(value, values[0] ?? null)) });
  const keysOf = (pick: (run: Run) => readonly { key: string }[]) => [...new Set(runs.flatMap((run) => pick(run).map((item) => item.key)))].sort();

  const params = keysOf((run) => run.data.params).map((key) => row(`params.${key}`, runs.map((run) => run.data.params.find((param) => param.key === key)?.value ?? null)));
  const metrics = keysOf((run) => run.data.metrics).map((key) => row(`metrics.${key}`, runs.map((run) => run.data.metrics.find((metric) => metric.key === key)?.value ?? null)));
  return [row('status', runs.map((run) => run.info.status)), ...params, ...metrics];
}
