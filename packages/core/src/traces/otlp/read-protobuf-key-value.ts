import type { AttributeValue, Attributes } from '@keel/spec';
import { int64ToValue } from './int64-to-value.ts';
import { maxAttributeDepth } from './max-attribute-depth.ts';
import { OtlpFormatError } from './otlp-format-error.ts';
import { setAttribute } from './set-attribute.ts';
import { type WireReader, wireType } from './wire-reader.ts';


/** Non-finite doubles become their proto3 JSON names, so that storing them as JSON keeps them. */
function doubleValue(value: number): number | string {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

function readArrayValue(reader: WireReader, end: number, depth: number): AttributeValue[] {
  const values: AttributeValue[] = [];
  while (reader.pos < end) {
    const tag = reader.tag(end);
    if (tag >>> 3 !== 1) {
      reader.skip(tag, end);
      continue;
    }
    reader.expect(tag, wireType.delimited, 'ArrayValue.values');
    const valueEnd = reader.delimitedEnd(end);
    values.push(readAnyValue(reader, valueEnd, depth) ?? null);
    reader.pos = valueEnd;
  }
  return values;
}

function readKeyValueList(reader: WireReader, end: number, depth: number): Attributes {
  const values: Attributes = {};
  while (reader.pos < end) {
    const tag = reader.tag(end);
    if (tag >>> 3 !== 1) {
      reader.skip(tag, end);
      continue;
    }
    reader.expect(tag, wireType.delimited, 'KeyValueList.values');
    const valueEnd = reader.delimitedEnd(end);
    readProtobufKeyValue(reader, valueEnd, values, depth);
    reader.pos = valueEnd;
  }
  return values;
}

/** An AnyValue message; undefined when none of its fields is set. */
function readAnyValue(reader: WireReader, end: number, depth: number): AttributeValue | undefined {
  if (depth > maxAttributeDepth) throw new OtlpFormatError(`attribute values nest deeper than ${maxAttributeDepth} levels`);
  let value: AttributeValue | undefined;
  while (reader.pos < end) {
    const tag = reader.tag(end);
    switch (tag >>> 3) {
      case 1:
        reader.expect(tag, wireType.delimited, 'AnyValue.string_value');
        value = reader.string(end);
        break;
      case 2:
        reader.expect(tag, wireType.varint, 'AnyValue.bool_value');
        reader.varint64(end);
        value = reader.low !== 0 || reader.high !== 0;
        break;
      case 3:
        reader.expect(tag, wireType.varint, 'AnyValue.int_value');
        reader.varint64(end);
        value = int64ToValue(reader.low, reader.high);
        break;
      case 4:
        reader.expect(tag, wireType.fixed64, 'AnyValue.double_value');
        value = doubleValue(reader.double(end));
        break;
      case 5: {
        reader.expect(tag, wireType.delimited, 'AnyValue.array_value');
        const valueEnd = reader.delimitedEnd(end);
        value = readArrayValue(reader, valueEnd, depth + 1);
        reader.pos = valueEnd;
        break;
      }
      case 6: {
        reader.expect(tag, wireType.delimited, 'AnyValue.kvlist_value');
        const valueEnd = reader.delimitedEnd(end);
        value = readKeyValueList(reader, valueEnd, depth + 1);
        reader.pos = valueEnd;
        break;
      }
      case 7:
        reader.expect(tag, wireType.delimited, 'AnyValue.bytes_value');
        value = reader.base64(end);
        break;
      default:
        reader.skip(tag, end);
    }
  }
  return value;
}

/**
 * Reads one KeyValue message (the reader stands at its first field, `end` is its end) into
 * `target`. An attribute without a value is an error at the top level (depth 0); nested inside
 * an array or a kvlist it is null, which is how OTel SDKs encode null array items.
 */
export function readProtobufKeyValue(reader: WireReader, end: number, target: Attributes, depth: number): void {
  let key = '';
  let value: AttributeValue | undefined;
  while (reader.pos < end) {
    const tag = reader.tag(end);
    switch (tag >>> 3) {
      case 1:
        reader.expect(tag, wireType.delimited, 'KeyValue.key');
        key = reader.string(end);
        break;
      case 2: {
        reader.expect(tag, wireType.delimited, 'KeyValue.value');
        const valueEnd = reader.delimitedEnd(end);
        value = readAnyValue(reader, valueEnd, depth);
        reader.pos = valueEnd;
        break;
      }
      default:
        reader.skip(tag, end);
    }
  }
  if (value === undefined) {
    if (depth === 0) throw new OtlpFormatError(`attribute '${key.length > 100 ? `${key.slice(0, 100)}...` : key}' has no value (an AnyValue with none of its fields set)`);
    value = null;
  }
  setAttribute(target, key, value);
}

/** Reads a repeated KeyValue field occurrence (the reader stands at its length prefix) into `target`. */
export function readProtobufAttribute(reader: WireReader, tag: number, end: number, target: Attributes, what: string): void {
  reader.expect(tag, wireType.delimited, what);
  const attributeEnd = reader.delimitedEnd(end);
  readProtobufKeyValue(reader, attributeEnd, target, 0);
  reader.pos = attributeEnd;
}
