/** Test support: a tiny protobuf writer for building well-formed and deliberately malformed OTLP bodies by hand. */

export type Part = Uint8Array | number[];

function concat(parts: readonly Part[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function varint(value: number | bigint): number[] {
  let rest = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (rest > 0x7fn) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return out;
}

export function tag(field: number, wireType: number): number[] {
  return varint((field << 3) | wireType);
}

export function delimited(field: number, ...parts: Part[]): Uint8Array {
  const body = concat(parts);
  return concat([tag(field, 2), varint(body.length), body]);
}

export function text(field: number, value: string): Uint8Array {
  return delimited(field, new TextEncoder().encode(value));
}

export function hexBytes(field: number, hex: string): Uint8Array {
  return delimited(field, Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16)));
}

export function varintField(field: number, value: number | bigint): Uint8Array {
  return concat([tag(field, 0), varint(value)]);
}

export function fixed64Field(field: number, value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
  return concat([tag(field, 1), out]);
}

export function doubleField(field: number, value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, value, true);
  return concat([tag(field, 1), out]);
}

export function message(...parts: Part[]): Uint8Array {
  return concat(parts);
}

/** A KeyValue field (number `field`) whose AnyValue holds `anyValueFields`. */
export function keyValue(field: number, key: string, ...anyValueFields: Part[]): Uint8Array {
  return delimited(field, text(1, key), delimited(2, ...anyValueFields));
}

export interface SpanFields {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  start?: bigint;
  end?: bigint;
  extra?: Part[];
}

export const nanosPerMs = 1_000_000n;

/** A Span message body, with fields omitted where the input leaves them undefined. */
export function spanBody(fields: SpanFields): Uint8Array {
  return message(
    ...(fields.traceId === undefined ? [] : [hexBytes(1, fields.traceId)]),
    ...(fields.spanId === undefined ? [] : [hexBytes(2, fields.spanId)]),
    ...(fields.parentSpanId === undefined ? [] : [hexBytes(4, fields.parentSpanId)]),
    ...(fields.name === undefined ? [] : [text(5, fields.name)]),
    ...(fields.start === undefined ? [] : [fixed64Field(7, fields.start)]),
    ...(fields.end === undefined ? [] : [fixed64Field(8, fields.end)]),
    ...(fields.extra ?? []),
  );
}

/** An ExportTraceServiceRequest with one ResourceSpans per entry, each holding one ScopeSpans of the given span bodies. */
export function request(groups: { resource?: Part[]; spans: Uint8Array[] }[]): Uint8Array {
  return message(
    ...groups.map((group) =>
      delimited(
        1,
        ...(group.resource === undefined ? [] : [delimited(1, ...group.resource)]),
        delimited(2, delimited(1, text(1, 'scope')), ...group.spans.map((span) => delimited(2, span))),
      ),
    ),
  );
}
