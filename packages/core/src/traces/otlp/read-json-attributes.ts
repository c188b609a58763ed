import type { AttributeValue, Attributes } from '@keel/spec';
import { maxAttributeDepth } from './max-attribute-depth.ts';
import { OtlpFormatError } from './otlp-format-error.ts';
import { setAttribute } from './set-attribute.ts';

type JsonObject = Record<string, unknown>;

const intPattern = /^-?[0-9]+$/;
const base64Pattern = /^[A-Za-z0-9+/_-]*={0,2}$/;
const nonFiniteDoubles = new Set(['NaN', 'Infinity', '-Infinity']);

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeKey(key: string): string {
  return key.length > 100 ? `${key.slice(0, 100)}...` : key;
}

function fail(key: string, problem: string): never {
  throw new OtlpFormatError(`attribute '${describeKey(key)}' ${problem}`);
}

/**
 * int64 as a JSON number or decimal text. Numbers beyond 2^53 become text, as protobuf's do; one
 * beyond int64 stays a number, because OTel JS's JSON encoder sends integral doubles of any size
 * as intValue (its protobuf encoder sends them as double_value).
 */
function intValue(value: unknown, key: string): number | string {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) fail(key, `intValue ${value} is not an integer`);
    return Number.isSafeInteger(value) || Math.abs(value) >= 2 ** 63 ? value : BigInt(value).toString();
  }
  if (typeof value !== 'string' || !intPattern.test(value)) return fail(key, 'intValue is not an integer');
  const number = Number(value);
  if (Number.isSafeInteger(number)) return number;
  const big = BigInt(value);
  if (big < -(2n ** 63n) || big >= 2n ** 63n) fail(key, `intValue ${describeKey(value)} is not an int64`);
  return big.toString();
}

function doubleValue(value: unknown, key: string): number | string {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (nonFiniteDoubles.has(value)) return value;
    const number = Number(value);
    if (value.trim() !== '' && Number.isFinite(number)) return number;
  }
  return fail(key, 'doubleValue is not a number');
}

function listValues(value: unknown, key: string, what: string): unknown[] {
  if (!isObject(value)) return fail(key, `${what} is not an object`);
  const values = value.values;
  if (values === undefined || values === null) return [];
  if (!Array.isArray(values)) return fail(key, `${what}.values is not an array`);
  return values;
}

/**
 * An AnyValue object; undefined when it is `{}` (how OTel SDKs encode a null array item). An
 * object with none of the AnyValue fields, or one of a wrong type, is an error.
 */
function anyValue(value: unknown, key: string, depth: number): AttributeValue | undefined {
  if (depth > maxAttributeDepth) fail(key, `nests deeper than ${maxAttributeDepth} levels`);
  if (!isObject(value)) return fail(key, 'has a value that is not an OTLP AnyValue object');
  let empty = true;
  for (const field in value) {
    const inner = value[field];
    if (inner === null || inner === undefined) continue;
    empty = false;
    switch (field) {
      case 'stringValue':
      case 'string_value':
        if (typeof inner !== 'string') fail(key, 'stringValue is not a string');
        return inner;
      case 'boolValue':
      case 'bool_value':
        if (typeof inner !== 'boolean') fail(key, 'boolValue is not a boolean');
        return inner;
      case 'intValue':
      case 'int_value':
        return intValue(inner, key);
      case 'doubleValue':
      case 'double_value':
        return doubleValue(inner, key);
      case 'arrayValue':
      case 'array_value':
        return listValues(inner, key, 'arrayValue').map((item) => anyValue(item, key, depth + 1) ?? null);
      case 'kvlistValue':
      case 'kvlist_value':
        return readKeyValues(listValues(inner, key, 'kvlistValue'), depth + 1);
      case 'bytesValue':
      case 'bytes_value':
        if (typeof inner !== 'string' || !base64Pattern.test(inner)) fail(key, 'bytesValue is not base64');
        return inner;
      default:
        break;
    }
  }
  if (empty) return undefined;
  return fail(key, 'has a value that is not an OTLP AnyValue (none of stringValue, boolValue, intValue, doubleValue, arrayValue, kvlistValue, bytesValue)');
}

function readKeyValues(list: unknown[], depth: number): Attributes {
  const attributes: Attributes = {};
  for (const item of list) {
    if (!isObject(item)) throw new OtlpFormatError('an attribute is not a {key, value} object');
    const key = item.key;
    if (typeof key !== 'string') throw new OtlpFormatError('an attribute key is not a string');
    let value = anyValue(item.value ?? {}, key, depth);
    if (value === undefined) {
      if (depth === 0) fail(key, 'has no value (an AnyValue with none of its fields set)');
      value = null;
    }
    setAttribute(attributes, key, value);
  }
  return attributes;
}

/** A JSON `attributes` list (absent means none). Throws OtlpFormatError for anything that is not a list of OTLP KeyValues. */
export function readJsonAttributes(list: unknown, what: string): Attributes {
  if (list === undefined || list === null) return {};
  if (!Array.isArray(list)) throw new OtlpFormatError(`${what} is not an array`);
  return readKeyValues(list, 0);
}
