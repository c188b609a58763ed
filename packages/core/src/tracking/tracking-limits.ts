import { type KeyValue, KeelError, type Metric } from '@keel/spec';

/** MLflow's limits (mlflow/utils/validation.py), so that what MLflow accepts we accept and vice versa. */
export const trackingLimits = {
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 5000,
  experimentNameLength: 500,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchTotal: 1000,
} as const;

const keyPattern = /^[/\w.\- ]*$/;

export function validateKey(key: string, what: string): void {
  if (key.length === 0) throw new KeelError('INVALID_PARAMETER_VALUE', `${what} key must not be empty`);
  if (key.length > trackingLimits.keyLength) throw new KeelError('INVALID_PARAMETER_VALUE', `${what} key '${key.slice(0, 40)}...' is longer than ${trackingLimits.keyLength} characters`);
  if (!keyPattern.test(key)) {
    throw new KeelError('INVALID_PARAMETER_VALUE', `Invalid ${what} key '${key}': only alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ) and slashes (/) are allowed`);
  }
  const segments = key.split('/');
  if (key.startsWith('/') || segments.includes('..') || segments.includes('.')) {
    throw new KeelError('INVALID_PARAMETER_VALUE', `Invalid ${what} key '${key}': it must be a relative path without '.' or '..' segments`);
  }
}

function validateValue(value: string, limit: number, what: string, key: string): void {
  if (value.length > limit) throw new KeelError('INVALID_PARAMETER_VALUE', `${what} '${key}' has a value of ${value.length} characters; the limit is ${limit}`);
}

export function validateParams(params: readonly KeyValue[]): void {
  const seen = new Map<string, string>();
  for (const param of params) {
    validateKey(param.key, 'Param');
    validateValue(param.value, trackingLimits.paramValueLength, 'Param', param.key);
    const previous = seen.get(param.key);
    if (previous !== undefined && previous !== param.value) {
      throw new KeelError('INVALID_PARAMETER_VALUE', `Duplicate parameter key '${param.key}' with different values in one batch`);
    }
    seen.set(param.key, param.value);
  }
}

export function validateTags(tags: readonly KeyValue[]): void {
  for (const tag of tags) {
    validateKey(tag.key, 'Tag');
    validateValue(tag.value, trackingLimits.tagValueLength, 'Tag', tag.key);
  }
}

export function validateMetrics(metrics: readonly Metric[]): void {
  // A batch repeats a few keys over many steps: check each key once.
  const checked = new Set<string>();
  for (const metric of metrics) {
    if (!checked.has(metric.key)) {
      validateKey(metric.key, 'Metric');
      checked.add(metric.key);
    }
    if (!Number.isSafeInteger(metric.timestamp) || metric.timestamp < 0) {
      throw new KeelError('INVALID_PARAMETER_VALUE', `Metric '${metric.key}' has an invalid timestamp ${metric.timestamp}: a non-negative integer of milliseconds is required`);
    }
    if (!Number.isSafeInteger(metric.step)) throw new KeelError('INVALID_PARAMETER_VALUE', `Metric '${metric.key}' has an invalid step ${metric.step}`);
  }
}

export function validateBatchSize(metrics: number, params: number, tags: number): void {
  const limits = trackingLimits;
  if (metrics > limits.batchMetrics || params > limits.batchParams || tags > limits.batchTags || metrics + params + tags > limits.batchTotal) {
    throw new KeelError(
      'INVALID_PARAMETER_VALUE',
      `A batch may hold at most ${limits.batchMetrics} metrics, ${limits.batchParams} params, ${limits.batchTags} tags and ${limits.batchTotal} items in all; got ${metrics} metrics, ${params} params, ${tags} tags`,
    );
  }
}

export function validateExperimentName(name: string): void {
  if (name.trim() === '') throw new KeelError('INVALID_PARAMETER_VALUE', 'Experiment name must not be empty');
  if (name.length > trackingLimits.experimentNameLength) throw new KeelError('INVALID_PARAMETER_VALUE', `Experiment name is longer than ${trackingLimits.experimentNameLength} characters`);
}
