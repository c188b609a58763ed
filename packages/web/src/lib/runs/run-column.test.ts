import { describe, expect, it } from 'vitest';
import { parseRunColumn, searchKey } from './run-column.ts';

describe('run columns', () => {
  it('parses ids whose keys contain dots, and refuses unknown kinds', () => {
    expect(parseRunColumn('tags.mlflow.runName')).toEqual({ kind: 'tags', key: 'mlflow.runName' });
    expect(parseRunColumn('attributes.start_time')).toBeUndefined();
    expect(parseRunColumn('metrics.')).toBeUndefined();
  });

  it('writes keys the MLflow grammar reads: bare when plain, double-quoted otherwise', () => {
    expect(searchKey({ kind: 'metrics', key: 'val.loss' })).toBe('metrics.val.loss');
    expect(searchKey({ kind: 'params', key: 'learning rate' })).toBe('params."learning rate"');
    expect(searchKey({ kind: 'tags', key: 'say "x"' })).toBe('tags."say ""x"""');
  });
});
