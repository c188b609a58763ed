import { describe, expect, it } from 'vitest';
import type { Metric } from '@keel/spec';
import { decodeMetricLog, encodeMetricLog } from './metric-log-codec.ts';

const decoded = (payload: unknown): Metric[] => {
  const into: Metric[] = [];
  decodeMetricLog(payload, into);
  return into;
};

/** The JSON text rows held before migration 9. */
const legacyText = JSON.stringify([['loss', 'acc'], 0, 1, 100, 0.5, 1, 1, 100, 'NaN', 0, 2, 101, '-Infinity']);
const legacyPoints: Metric[] = [
  { key: 'loss', step: 1, timestamp: 100, value: 0.5 },
  { key: 'acc', step: 1, timestamp: 100, value: Number.NaN },
  { key: 'loss', step: 2, timestamp: 101, value: Number.NEGATIVE_INFINITY },
];

describe('metric log codec', () => {
  it('round-trips every double exactly, NaN, the infinities and -0 included, with keys in any script', () => {
    const metrics: Metric[] = [
      { key: 'loss', step: 0, timestamp: 1_700_000_000_000, value: 0.1 + 0.2 },
      { key: 'val/accuracy ✓', step: Number.MAX_SAFE_INTEGER, timestamp: 1, value: Number.NaN },
      { key: 'loss', step: -3, timestamp: 2, value: Number.POSITIVE_INFINITY },
      { key: 'ключ', step: 4, timestamp: 3, value: Number.NEGATIVE_INFINITY },
      { key: 'loss', step: 5, timestamp: 4, value: -0 },
      { key: '', step: 6, timestamp: 5, value: Number.MIN_VALUE },
    ];
    const payload = encodeMetricLog(metrics);
    const back = decoded(payload);
    expect(back).toEqual(metrics);
    expect(Object.is(back[4]?.value, -0)).toBe(true);
    // 3 distinct keys, not 6: the payload holds each key once.
    expect(payload.toString('latin1').split('loss').length - 1).toBe(1);
  });

  it('is smaller than the JSON text it replaces', () => {
    const metrics = Array.from({ length: 1_000 }, (_unused, index): Metric => ({ key: `metric_${index % 10}`, step: index, timestamp: 1_700_000_000_000 + index, value: Math.sin(index) }));
    const binary = encodeMetricLog(metrics);
    expect(decoded(binary)).toEqual(metrics);
    const text = JSON.stringify([[...new Set(metrics.map((metric) => metric.key))], ...metrics.flatMap((metric, index) => [index % 10, metric.step, metric.timestamp, metric.value])]);
    expect(binary.byteLength).toBeLessThan(text.length);
  });

  it('reads the JSON text of rows written before migration 9, as text and as the bytes of that text', () => {
    expect(decoded(legacyText)).toEqual(legacyPoints);
    expect(decoded(Buffer.from(legacyText, 'utf8'))).toEqual(legacyPoints);
    expect(decoded(new Uint8Array(Buffer.from(legacyText, 'utf8')))).toEqual(legacyPoints);
  });

  it('refuses payloads it cannot read whole', () => {
    const good = encodeMetricLog([{ key: 'loss', step: 1, timestamp: 2, value: 3 }]);
    const truncated = good.subarray(0, good.byteLength - 1);
    const badFormat = Buffer.from(good);
    badFormat[0] = 7;
    const badKey = Buffer.from(good);
    badKey.writeUInt32LE(5, good.byteLength - 28);
    for (const payload of [truncated, badFormat, badKey, Buffer.alloc(0), 42, null, '{"not":"a log"}']) {
      expect(() => decoded(payload)).toThrow(/metric_log: malformed payload|JSON/);
    }
  });
});
