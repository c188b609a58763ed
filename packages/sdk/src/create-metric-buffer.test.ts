import { describe, expect, it } from 'vitest';
import { createMetricBuffer } from './create-metric-buffer.ts';
import type { MetricInput } from './runs-api.ts';

const metric = (step: number): MetricInput => ({ key: 'loss', value: step, timestamp: 1, step });
const hour = 3_600_000;

describe('createMetricBuffer', () => {
  it('flushes an empty buffer any number of times, then still sends what comes later', async () => {
    const sent: number[][] = [];
    const buffer = createMetricBuffer({ send: async (batch) => void sent.push(batch.map((item) => item.step ?? 0)), isRetryable: () => false, flushIntervalMs: hour });
    await buffer.flush();
    await buffer.flush();
    buffer.add(metric(1));
    await buffer.flush();
    expect(sent).toEqual([[1]]);
    buffer.close();
  });

  it('drops a refused batch, reports it once, and keeps a retryable one for the next flush', async () => {
    const answers: ('refuse' | 'later' | 'ok')[] = ['refuse', 'later', 'ok'];
    const sent: number[][] = [];
    const buffer = createMetricBuffer({
      send: async (batch) => {
        const answer = answers.shift() ?? 'ok';
        if (answer !== 'ok') throw new Error(answer);
        sent.push(batch.map((item) => item.step ?? 0));
      },
      isRetryable: (error) => error instanceof Error && error.message === 'later',
      batchSize: 2,
      flushIntervalMs: hour,
    });
    buffer.add(metric(1));
    buffer.add(metric(2));
    buffer.add(metric(3));
    await expect(buffer.flush()).rejects.toThrow('refuse');
    expect(buffer.pending).toBe(1);
    await buffer.flush();
    expect(sent).toEqual([[3]]);
    expect(buffer.pending).toBe(0);
    buffer.close();
  });
});
