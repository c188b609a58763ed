import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '@keel/spec';
import { validateBatchSize, validateKey, validateMetrics, validateParams } from './tracking-limits.ts';

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return hasErrorCode(error) ? error.code : 'OTHER';
  }
}

describe('tracking limits', () => {
  it('accepts MLflow-valid keys and refuses the rest', () => {
    expect(codeOf(() => validateKey('train/loss v2.1-x', 'Metric'))).toBeUndefined();
    expect(codeOf(() => validateKey('a'.repeat(250), 'Metric'))).toBeUndefined();
    for (const bad of ['', 'a'.repeat(251), 'a$b', '/abs', 'a/../b', 'x/./y']) {
      expect(codeOf(() => validateKey(bad, 'Metric'))).toBe('INVALID_PARAMETER_VALUE');
    }
  });

  it('refuses a batch over the limits', () => {
    expect(codeOf(() => validateBatchSize(1000, 0, 0))).toBeUndefined();
    expect(codeOf(() => validateBatchSize(1001, 0, 0))).toBe('INVALID_PARAMETER_VALUE');
    expect(codeOf(() => validateBatchSize(0, 101, 0))).toBe('INVALID_PARAMETER_VALUE');
    expect(codeOf(() => validateBatchSize(900, 100, 1))).toBe('INVALID_PARAMETER_VALUE');
  });

  it('refuses duplicate param keys with different values in one batch but not repeats of the same value', () => {
    expect(codeOf(() => validateParams([{ key: 'lr', value: '1' }, { key: 'lr', value: '1' }]))).toBeUndefined();
    expect(codeOf(() => validateParams([{ key: 'lr', value: '1' }, { key: 'lr', value: '2' }]))).toBe('INVALID_PARAMETER_VALUE');
    expect(codeOf(() => validateParams([{ key: 'p', value: 'x'.repeat(6001) }]))).toBe('INVALID_PARAMETER_VALUE');
  });

  it('keeps NaN and infinite values but refuses bad timestamps and steps', () => {
    expect(codeOf(() => validateMetrics([{ key: 'm', value: Number.NaN, timestamp: 0, step: 0 }, { key: 'm', value: -Infinity, timestamp: 1, step: -3 }]))).toBeUndefined();
    expect(codeOf(() => validateMetrics([{ key: 'm', value: 1, timestamp: -1, step: 0 }]))).toBe('INVALID_PARAMETER_VALUE');
    expect(codeOf(() => validateMetrics([{ key: 'm', value: 1, timestamp: 1.5, step: 0 }]))).toBe('INVALID_PARAMETER_VALUE');
    expect(codeOf(() => validateMetrics([{ key: 'm', value: 1, timestamp: 1, step: 0.5 }]))).toBe('INVALID_PARAMETER_VALUE');
  });
});
