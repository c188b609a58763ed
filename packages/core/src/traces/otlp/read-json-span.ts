import type { Attributes, OtlpSpan } from '@keel/spec';
import { OtlpFormatError } from './otlp-format-error.ts';
import { readJsonAttributes } from './read-json-attributes.ts';

type JsonObject = Record<string, unknown>;

const spanKindNames: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const statusCodeNames: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const digitsPattern = /^[0-9]+$/;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Ids are hex in OTLP/JSON (not base64 as in the generic protobuf JSON mapping); case is not significant. */
function jsonId(value: unknown): string {
  if (typeof value === 'string') return value.toLowerCase();
  return value === undefined || value === null ? '' : 'not a string';
}

/** A fixed64 as canonical decimal text; text that is not a number is passed on for validation to reject. */
function jsonTime(value: unknown): string {
  if (value === undefined || value === null) return '0';
  if (typeof value === 'string') return value.length > 1 && value[0] === '0' && digitsPattern.test(value) ? value.replace(/^0+(?=.)/, '') : value;
  if (typeof value === 'number') return String(value);
  return 'not a number';
}

/** Enums are integers in OTLP/JSON; the proto enum names are read too. */
function jsonEnum(value: unknown, names: Record<string, number>, what: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && Object.hasOwn(names, value)) return names[value]!;
  throw new OtlpFormatError(`${what} ${JSON.stringify(value)?.slice(0, 100) ?? typeof value} is not one of its enum values`);
}

function jsonString(value: unknown, what: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new OtlpFormatError(`${what} is not a string`);
  return value;
}

function jsonList(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpFormatError(`${what} is not an array`);
  return value;
}

function jsonObject(value: unknown, what: string): JsonObject {
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value)) throw new OtlpFormatError(`${what} is not an object`);
  return value;
}

function readEvent(value: unknown, index: number): OtlpSpan['events'][number] {
  const event = jsonObject(value, `event ${index}`);
  return {
    name: jsonString(event.name, `event ${index} name`),
    timeUnixNano: jsonTime(event.timeUnixNano ?? event.time_unix_nano),
    attributes: readJsonAttributes(event.attributes, `event ${index} attributes`),
  };
}

function readLink(value: unknown, index: number): OtlpSpan['links'][number] {
  const link = jsonObject(value, `link ${index}`);
  return {
    traceId: jsonId(link.traceId ?? link.trace_id),
    spanId: jsonId(link.spanId ?? link.span_id),
    attributes: readJsonAttributes(link.attributes, `link ${index} attributes`),
  };
}

/** The span id of a span that did not decode, when it has a usable one. */
export function peekJsonSpanId(value: unknown): string | null {
  return isJsonObject(value) ? jsonId(value.spanId ?? value.span_id) : null;
}

/** Decodes one OTLP/JSON span; throws OtlpFormatError when a field has the wrong shape. */
export function readJsonSpan(value: unknown, resource: Attributes, scope: OtlpSpan['scope']): OtlpSpan {
  if (!isJsonObject(value)) throw new OtlpFormatError('span is not an object');
  const parent = jsonId(value.parentSpanId ?? value.parent_span_id);
  const status = jsonObject(value.status, 'status');
  const events = jsonList(value.events, 'events');
  const links = jsonList(value.links, 'links');
  return {
    traceId: jsonId(value.traceId ?? value.trace_id),
    spanId: jsonId(value.spanId ?? value.span_id),
    parentSpanId: parent === '' || parent === '0000000000000000' ? null : parent,
    name: jsonString(value.name, 'name'),
    otelKind: jsonEnum(value.kind, spanKindNames, 'kind'),
    startTimeUnixNano: jsonTime(value.startTimeUnixNano ?? value.start_time_unix_nano),
    endTimeUnixNano: jsonTime(value.endTimeUnixNano ?? value.end_time_unix_nano),
    attributes: readJsonAttributes(value.attributes, 'attributes'),
    events: events.map(readEvent),
    links: links.map(readLink),
    status: { code: jsonEnum(status.code, statusCodeNames, 'status code'), message: jsonString(status.message, 'status message') },
    resource,
    scope,
  };
}
