import { describe, expect, it } from 'vitest';
import type { Run } from '@keel/sdk';
import { buildRunComparison } from './build-run-comparison.ts';

function run(runId: string, params: Record<string, string>, metrics: Record<string, number>): Run {
  return {
    info: { runId, experimentId: '1', runName: runId, userId: '', status: 'FINISHED', startTime: 0, endTime: 1, artifactUri: '', lifecycleStage: 'active' },
    data: { params: Object.entries(params).map(([key, value]) => ({ key, value })), metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })), tags: [] },
    inputs: { datasetInputs: [], modelInputs: [] },
    outputs: { modelOutputs: [] },
  };
}

describe('buildRunComparison', () => {
  it('lines up params and metrics and marks rows that differ or are missing', () => {
    const rows = buildRunComparison([run('a', { lr: '0.1', depth: '3' }, { auc: 0.9, loss: Number.NaN }), run('b', { lr: '0.2', depth: '3' }, { auc: 0.9, loss: Number.NaN, f1: 0.5 })]);
    expect(rows).toEqual([
      { key: 'status', values: ['FINISHED', 'FINISHED'], differs: false },
      { key: 'params.depth', values: ['3', '3'], differs: false },
      { key: 'params.lr', values: ['0.1', '0.2'], differs: true },
      { key: 'metrics.auc', values: [0.9, 0.9], differs: false },
      { key: 'metrics.f1', values: [null, 0.5], differs: true },
      { key: 'metrics.loss', values: [Number.NaN, Number.NaN], differs: false },
    ]);
  });
});
