import type { Metric } from '@keel/spec';

/**
 * One log-batch's metrics as the payload of a `metric_log` row (ADR 0009), binary since migration 9:
 *
 *   byte 0       format, 2
 *   bytes 1-4    n, the number of points (uint32, little-endian, as every number below)
 *   bytes 5-8    k, the byte length of the keys
 *   k bytes      the batch's distinct keys, a JSON array of strings (UTF-8)
 *   n x 28       per point: key index (uint32), step, timestamp and value (float64 each)
 *
 * Doubles are stored as they are, NaN and the infinities included. Encoding and decoding a batch
 * costs a fraction of the JSON text it replaces, and the row is smaller.
 *
 * Rows written before migration 9 hold JSON text: an array whose first element is the keys, then
 * key index, step, timestamp and value per point, with NaN and the infinities as the strings
 * 'NaN', 'Infinity' and '-Infinity'. They are still read (as text on SQLite; as the bytes of that
 * text on PostgreSQL, whose column became BYTEA).
 */
const binaryFormat = 2;
const headerBytes = 9;
const pointBytes = 28;
const openBracket = 0x5b;

export function encodeMetricLog(metrics: readonly Metric[]): Buffer {
  const keys: string[] = [];
  const keyIndex = new Map<string, number>();
  const indexes = new Uint32Array(metrics.length);
  for (let at = 0; at < metrics.length; at += 1) {
    const key = (metrics[at] as Metric).key;
    let index = keyIndex.get(key);
    if (index === undefined) {
      index = keys.length;
      keys.push(key);
      keyIndex.set(key, index);
    }
    indexes[at] = index;
  }
  const keyText = Buffer.from(JSON.stringify(keys), 'utf8');
  const payload = Buffer.allocUnsafe(headerBytes + keyText.length + metrics.length * pointBytes);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  view.setUint8(0, binaryFormat);
  view.setUint32(1, metrics.length, true);
  view.setUint32(5, keyText.length, true);
  keyText.copy(payload, headerBytes);
  let offset = headerBytes + keyText.length;
  for (let at = 0; at < metrics.length; at += 1) {
    const metric = metrics[at] as Metric;
    view.setUint32(offset, indexes[at] as number, true);
    view.setFloat64(offset + 4, metric.step, true);
    view.setFloat64(offset + 12, metric.timestamp, true);
    view.setFloat64(offset + 20, metric.value, true);
    offset += pointBytes;
  }
  return payload;
}

const malformed = (): Error => new Error('metric_log: malformed payload');

/** Appends the points of one `metric_log` payload (binary, or the JSON text of rows written before migration 9) to `into`. */
export function decodeMetricLog(payload: unknown, into: Metric[]): void {
  if (typeof payload === 'string') return decodeJsonPayload(payload, into);
  if (!(payload instanceof Uint8Array) || payload.byteLength === 0) throw malformed();
  if (payload[0] === openBracket) return decodeJsonPayload(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'), into);
  if (payload[0] !== binaryFormat || payload.byteLength < headerBytes) throw malformed();
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const points = view.getUint32(1, true);
  const keyBytes = view.getUint32(5, true);
  if (payload.byteLength !== headerBytes + keyBytes + points * pointBytes) throw malformed();
  const keys: unknown = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset + headerBytes, keyBytes).toString('utf8'));
  if (!Array.isArray(keys)) throw malformed();
  let offset = headerBytes + keyBytes;
  for (let at = 0; at < points; at += 1) {
    const key: unknown = keys[view.getUint32(offset, true)];
    if (typeof key !== 'string') throw malformed();
    into.push({ key, step: view.getFloat64(offset + 4, true), timestamp: view.getFloat64(offset + 12, true), value: view.getFloat64(offset + 20, true) });
    offset += pointBytes;
  }
}

const special: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

function decodeJsonPayload(payload: string, into: Metric[]): void {
  const parsed: unknown = JSON.parse(payload);
  if (!Array.isArray(parsed) || !Array.isArray(parsed[0]) || (parsed.length - 1) % 4 !== 0) throw malformed();
  const keys = parsed[0] as unknown[];
  for (let at = 1; at < parsed.length; at += 4) {
    const key = keys[parsed[at] as number];
    const step: unknown = parsed[at + 1];
    const timestamp: unknown = parsed[at + 2];
    const raw: unknown = parsed[at + 3];
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? special[raw] : undefined;
    if (typeof key !== 'string' || typeof step !== 'number' || typeof timestamp !== 'number' || value === undefined) throw malformed();
    into.push({ key, step, timestamp, value });
  }
}
