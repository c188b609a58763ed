/** A metric point as log-batch takes it. */
export interface MetricRow {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

/** A small seeded PRNG (mulberry32) so that every run of the bench logs the same values. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const baseTimestamp = 1_700_000_000_000;

/**
 * Batch `index` of one run: `size` points over `keys` keys (loss/0.., as a training loop logs
 * them), `size / keys` consecutive steps per key, steps continuing from the previous batch.
 */
export function metricBatch(index: number, size: number, keys: number, seed: number): MetricRow[] {
  const random = seededRandom(seed * 1_000_003 + index);
  const stepsPerBatch = Math.ceil(size / keys);
  const rows: MetricRow[] = [];
  for (let offset = 0; offset < stepsPerBatch && rows.length < size; offset += 1) {
    const step = index * stepsPerBatch + offset;
    for (let key = 0; key < keys && rows.length < size; key += 1) rows.push({ key: `metric_${key}`, value: random(), timestamp: baseTimestamp + step, step });
  }
  return rows;
}

/** For each of `clients` runs, `perClient` batches of `size` points. */
export function ingestionPlan(clients: number, perClient: number, size: number, keys: number): MetricRow[][][] {
  return Array.from({ length: clients }, (_unused, client) => Array.from({ length: perClient }, (_batch, index) => metricBatch(index, size, keys, client + 1)));
}

/** A log-batch request body as JSON text. */
export function logBatchJson(runId: string, metrics: readonly MetricRow[], params: readonly { key: string; value: string }[] = []): string {
  return JSON.stringify({ run_id: runId, metrics, params, tags: [] });
}

/**
 * A log-batch request body as the UTF-8 bytes a client sends, for bodies built before the clock.
 * Bytes, not text: with an 80 KB string, the bench's client spent about 150 µs a request measuring
 * and encoding it while the server it measures waited for the same two cores.
 */
export function logBatchBody(runId: string, metrics: readonly MetricRow[], params: readonly { key: string; value: string }[] = []): Buffer {
  return Buffer.from(logBatchJson(runId, metrics, params), 'utf8');
}
