import { OtlpFormatError } from './otlp-format-error.ts';

export const wireType = { varint: 0, fixed64: 1, delimited: 2, startGroup: 3, endGroup: 4, fixed32: 5 } as const;

const wireTypeNames = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32'];

/**
 * Short ASCII strings (attribute keys, model names, enum-like values) repeat in every span, and
 * decoding each through Buffer costs a native call plus, for keys, interning on first use as a
 * property. A hash table of the last string seen per slot returns the same string instead. Each
 * entry keeps a copy of its bytes, compared byte by byte (comparing against the string itself is
 * slow once V8 has interned it), so a collision only costs a miss.
 */
const cacheSlots = 4096;
const cacheMaxLength = 64;
const cacheStrings: string[] = new Array<string>(cacheSlots).fill('');
const cacheBytes = new Uint8Array(cacheSlots * cacheMaxLength);
const cacheLengths = new Uint8Array(cacheSlots);

/**
 * A protobuf wire-format cursor over one request. Every read takes the end of the enclosing
 * message, so a sub-message can never read past its own frame. 64-bit values land in `low` and
 * `high` rather than in a returned object, so that reading allocates nothing.
 */
export class WireReader {
  readonly bytes: Uint8Array;
  private readonly text: Buffer;
  private readonly view: DataView;
  pos = 0;
  low = 0;
  high = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** A field tag: `field << 3 | wireType`. */
  tag(end: number): number {
    const tag = this.uint32(end);
    if (tag >>> 3 === 0) throw new OtlpFormatError(`invalid field number 0 at byte ${this.pos}`);
    return tag;
  }

  /** Throws unless a field of a known number arrived with the wire type its schema gives it. */
  expect(tag: number, expected: number, what: string): void {
    const actual = tag & 7;
    if (actual !== expected) {
      throw new OtlpFormatError(`${what} has wire type ${wireTypeNames[actual] ?? actual}, expected ${wireTypeNames[expected] ?? expected}`);
    }
  }

  /** A varint truncated to its low 32 bits, unsigned. */
  uint32(end: number): number {
    const bytes = this.bytes;
    let pos = this.pos;
    if (pos >= end) throw truncated(pos);
    let byte = bytes[pos++]!;
    if (byte < 0x80) {
      this.pos = pos;
      return byte;
    }
    let value = byte & 0x7f;
    for (let shift = 7; shift < 70; shift += 7) {
      if (pos >= end) throw truncated(pos);
      byte = bytes[pos++]!;
      if (shift < 32) value |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    throw new OtlpFormatError(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** A 64-bit varint into `low` and `high`. */
  varint64(end: number): void {
    const bytes = this.bytes;
    let pos = this.pos;
    let low = 0;
    let high = 0;
    let byte = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw truncated(pos);
      byte = bytes[pos++]!;
      low |= (byte & 0x7f) << shift;
      if (byte < 0x80) return this.set64(pos, low, 0);
    }
    if (pos >= end) throw truncated(pos);
    byte = bytes[pos++]!;
    low |= (byte & 0x7f) << 28;
    high = (byte & 0x7f) >> 4;
    if (byte < 0x80) return this.set64(pos, low, high);
    for (let shift = 3; shift < 32; shift += 7) {
      if (pos >= end) throw truncated(pos);
      byte = bytes[pos++]!;
      high |= (byte & 0x7f) << shift;
      if (byte < 0x80) return this.set64(pos, low, high);
    }
    throw new OtlpFormatError(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** A little-endian fixed64 into `low` and `high`. */
  fixed64(end: number): void {
    if (end - this.pos < 8) throw truncated(end);
    this.low = this.view.getUint32(this.pos, true);
    this.high = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
  }

  double(end: number): number {
    if (end - this.pos < 8) throw truncated(end);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** Reads a length prefix and returns where the delimited field ends. */
  delimitedEnd(end: number): number {
    const bytes = this.bytes;
    const first = this.pos < end ? bytes[this.pos]! : 0x80;
    let length: number;
    if (first < 0x80) {
      this.pos++;
      length = first;
    } else {
      this.varint64(end);
      if (this.high !== 0) throw new OtlpFormatError(`length at byte ${this.pos} is beyond 4 GiB`);
      length = this.low >>> 0;
    }
    if (length > end - this.pos) throw new OtlpFormatError(`length-delimited field of ${length} bytes at byte ${this.pos} overruns its message`);
    return this.pos + length;
  }

  string(end: number): string {
    const fieldEnd = this.delimitedEnd(end);
    const start = this.pos;
    this.pos = fieldEnd;
    const length = fieldEnd - start;
    if (length === 0) return '';
    if (length > cacheMaxLength) return this.text.toString('utf8', start, fieldEnd);
    const bytes = this.bytes;
    const last = fieldEnd - 1;
    const slot = (length * 31 + bytes[start]! * 7 + bytes[last]! * 3 + bytes[(start + last) >>> 1]! + bytes[last - (length >>> 2)]! * 5) % cacheSlots;
    const offset = slot * cacheMaxLength;
    // Cached bytes are ASCII, so a match proves these are too.
    if (cacheLengths[slot] === length) {
      let index = 0;
      while (index < length && cacheBytes[offset + index] === bytes[start + index]) index++;
      if (index === length) return cacheStrings[slot]!;
    }
    for (let index = start; index < fieldEnd; index++) {
      if (bytes[index]! >= 0x80) return this.text.toString('utf8', start, fieldEnd);
    }
    const decoded = this.text.toString('latin1', start, fieldEnd);
    cacheStrings[slot] = decoded;
    cacheLengths[slot] = length;
    cacheBytes.set(bytes.subarray(start, fieldEnd), offset);
    return decoded;
  }

  /** A bytes field as lowercase hex. */
  hex(end: number): string {
    const fieldEnd = this.delimitedEnd(end);
    const start = this.pos;
    this.pos = fieldEnd;
    // An id longer than 64 bytes fails validation whatever its text, so its text is cut there.
    return this.text.toString('hex', start, Math.min(fieldEnd, start + 64));
  }

  base64(end: number): string {
    const fieldEnd = this.delimitedEnd(end);
    const start = this.pos;
    this.pos = fieldEnd;
    return this.text.toString('base64', start, fieldEnd);
  }

  /** Skips one field's value of any wire type, groups included (iteratively: nesting depth is attacker-chosen). */
  skip(tag: number, end: number): void {
    const type = tag & 7;
    if (type !== wireType.startGroup) {
      this.skipValue(type, end);
      return;
    }
    let depth = 1;
    while (depth > 0) {
      const inner = this.tag(end) & 7;
      if (inner === wireType.startGroup) depth++;
      else if (inner === wireType.endGroup) depth--;
      else this.skipValue(inner, end);
    }
  }

  private skipValue(type: number, end: number): void {
    switch (type) {
      case wireType.varint:
        this.varint64(end);
        return;
      case wireType.fixed64:
        if (end - this.pos < 8) throw truncated(end);
        this.pos += 8;
        return;
      case wireType.delimited:
        this.pos = this.delimitedEnd(end);
        return;
      case wireType.fixed32:
        if (end - this.pos < 4) throw truncated(end);
        this.pos += 4;
        return;
      case wireType.endGroup:
        throw new OtlpFormatError(`unexpected end-group at byte ${this.pos}`);
      default:
        throw new OtlpFormatError(`invalid wire type ${type} at byte ${this.pos}`);
    }
  }

  private set64(pos: number, low: number, high: number): void {
    this.pos = pos;
    this.low = low >>> 0;
    this.high = high >>> 0;
  }
}

function truncated(at: number): OtlpFormatError {
  return new OtlpFormatError(`message truncated at byte ${at}`);
}
