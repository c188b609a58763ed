import type { Metric } from '@keel/spec';

/**
 * The points of one `metric_blocks` row (ADR 0014): one run's series of one key, over a step range
 * that no other block of the series touches, sorted by (step, timestamp, value, NaN last).
 *
 *   byte 0       format, 1
 *   bytes 1-3    zero
 *   bytes 4-7    n, the number of points (uint32, little-endian, as every number below)
 *   n x 24       per point: step, timestamp and value (float64 each)
 *
 * Doubles are stored as they are, NaN and the infinities included.
 */
const blockFormat = 1;
const headerBytes = 8;
const pointBytes = 24;

/** MLflow's order of a series' points, as the one-row-per-point table's key was: step, timestamp, value, then NaN (stored as 0) after a 0. */
export function compareMetricPoints(a: Metric, b: Metric): number {
  if (a.step !== b.step) return a.step - b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  const aNan = Number.isNaN(a.value);
  const bNan = Number.isNaN(b.value);
  const aValue = aNan ? 0 : a.value;
  const bValue = bNan ? 0 : b.value;
  if (aValue !== bValue) return aValue < bValue ? -1 : 1;
  return (aNan ? 1 : 0) - (bNan ? 1 : 0);
}

export function encodeMetricBlock(points: readonly Metric[]): Buffer {
  const payload = Buffer.alloc(headerBytes + points.length * pointBytes);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  view.setUint8(0, blockFormat);
  view.setUint32(4, points.length, true);
  let offset = headerBytes;
  for (const point of points) {
    view.setFloat64(offset, point.step, true);
    view.setFloat64(offset + 8, point.timestamp, true);
    view.setFloat64(offset + 16, point.value, true);
    offset += pointBytes;
  }
  return payload;
}

const malformed = (): Error => new Error('metric_blocks: malformed points');

/** Appends a block's points, under `key`, to `into`. */
export function decodeMetricBlock(payload: unknown, key: string, into: Metric[]): void {
  if (!(payload instanceof Uint8Array) || payload.byteLength < headerBytes || payload[0] !== blockFormat) throw malformed();
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const points = view.getUint32(4, true);
  if (payload.byteLength !== headerBytes + points * pointBytes) throw malformed();
  let offset = headerBytes;
  for (let at = 0; at < points; at += 1) {
    into.push({ key, step: view.getFloat64(offset, true), timestamp: view.getFloat64(offset + 8, true), value: view.getFloat64(offset + 16, true) });
    offset += pointBytes;
  }
}
