import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { hasErrorCode } from '@keel/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeOtlpJson } from './decode-otlp-json.ts';
import { decodeOtlpProtobuf } from './decode-otlp-protobuf.ts';
import { makeReadableSpan, makeTestSpans, testNowMs, traceId } from './test-spans.ts';

const options = { nowMs: testNowMs, maxSpans: 1000 };

/** Runs `decode`, which may return or throw a KeelError and nothing else. */
function decodesOrRefuses(decode: () => unknown): void {
  try {
    decode();
  } catch (error) {
    if (!hasErrorCode(error)) throw error;
  }
}

function validBytes(): Uint8Array {
  const bytes = ProtobufTraceSerializer.serializeRequest(makeTestSpans());
  if (bytes === undefined) throw new Error('no bytes');
  return bytes;
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(bytes: Uint8Array, mutations: Mutation[]): Uint8Array {
  let out = Array.from(bytes);
  for (const change of mutations) {
    const at = out.length === 0 ? 0 : change.at % out.length;
    switch (change.kind) {
      case 'set':
        out[at] = change.value;
        break;
      case 'delete':
        out.splice(at, change.count);
        break;
      case 'insert':
        out.splice(at, 0, ...change.bytes);
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
    }
  }
  return Uint8Array.from(out);
}

describe('decodeOtlpProtobuf on hostile bytes', () => {
  const valid = validBytes();

  it('never throws anything but a KeelError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => decodesOrRefuses(() => decodeOtlpProtobuf(bytes, options))),
      { numRuns: 3000 },
    );
  });

  it('never throws anything but a KeelError on mutations of a valid request', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => decodesOrRefuses(() => decodeOtlpProtobuf(mutate(valid, mutations), options))),
      { numRuns: 3000 },
    );
  });

  it('numbers every span of a one-byte-corrupted request once', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const bytes = valid.slice();
        bytes[at % bytes.length] = value;
        try {
          const result = decodeOtlpProtobuf(bytes, options);
          const indexes = result.rejected.map((rejected) => rejected.index);
          expect(new Set(indexes).size).toBe(indexes.length);
          for (const index of indexes) expect(index).toBeLessThan(result.spans.length + result.rejected.length);
        } catch (error) {
          if (!hasErrorCode(error)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('decodeOtlpJson on hostile values', () => {
  const valid: unknown = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(makeTestSpans())));

  it('never throws anything but a KeelError on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => decodesOrRefuses(() => decodeOtlpJson(value, options))),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => decodesOrRefuses(() => decodeOtlpJson({ resourceSpans: [{ scopeSpans: [{ spans: [value] }] }] }, options))),
      { numRuns: 2000 },
    );
  });

  it('never throws anything but a KeelError when any node of a valid request is replaced', () => {
    const paths: (string | number)[][] = [];
    const walk = (node: unknown, path: (string | number)[]): void => {
      paths.push(path);
      if (Array.isArray(node)) node.forEach((item, index) => walk(item, [...path, index]));
      else if (typeof node === 'object' && node !== null) for (const [key, item] of Object.entries(node)) walk(item, [...path, key]);
    };
    walk(valid, []);
    fc.assert(
      fc.property(fc.nat({ max: paths.length - 1 }), fc.jsonValue({ maxDepth: 3 }), (pathIndex, replacement) => {
        const copy: unknown = structuredClone(valid);
        const path = paths[pathIndex] ?? [];
        if (path.length === 0) return decodesOrRefuses(() => decodeOtlpJson(replacement, options));
        let parent = copy as Record<string | number, unknown>;
        for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
        parent[path[path.length - 1]!] = replacement;
        decodesOrRefuses(() => decodeOtlpJson(copy, options));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('decoding what the OpenTelemetry serializers encode', () => {
  const scalar = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'grapheme-ascii', maxLength: 80 }),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => (Object.is(value, -0) ? 0 : value)),
  );
  const attributes = fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.oneof(scalar, fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 })), { maxKeys: 12 });

  /** Integers beyond 2^53 that fit an int64 travel as int_value and come back as decimal text, as the data model says. */
  const expectedValue = (value: unknown): unknown =>
    typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value) && Math.abs(value) < 2 ** 63 ? BigInt(value).toString() : value;

  it('gives back every attribute map as the data model has it, through both encodings', () => {
    fc.assert(
      fc.property(attributes, (map) => {
        const span = makeReadableSpan({ name: 'p', traceId, spanId: '00f067aa0ba902b7', kind: 0, start: [testNowMs / 1000 - 10, 0], end: [testNowMs / 1000 - 9, 0], attributes: map });
        const bytes = ProtobufTraceSerializer.serializeRequest([span]);
        const json = JsonTraceSerializer.serializeRequest([span]);
        if (bytes === undefined || json === undefined) throw new Error('no bytes');
        const fromProtobuf = decodeOtlpProtobuf(bytes, options);
        expect(fromProtobuf.spans[0]?.attributes).toEqual(Object.fromEntries(Object.entries(map).map(([key, value]) => [key, expectedValue(value)])));
        expect(decodeOtlpJson(JSON.parse(new TextDecoder().decode(json)), options)).toEqual(fromProtobuf);
      }),
      { numRuns: 500 },
    );
  });
});
