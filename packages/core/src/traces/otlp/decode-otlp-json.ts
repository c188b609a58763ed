import { type Attributes, KeelError, type OtlpDecodeResult, type OtlpSpan } from '@keel/spec';
import type { OtlpDecodeOptions } from './otlp-decode-options.ts';
import { OtlpFormatError } from './otlp-format-error.ts';
import { type GroupHeader, readGroupHeader } from './read-group-header.ts';
import { readJsonAttributes } from './read-json-attributes.ts';
import { isJsonObject, peekJsonSpanId, readJsonSpan } from './read-json-span.ts';
import { SpanCollector } from './span-collector.ts';

type Scope = OtlpSpan['scope'];

function notARequest(problem: string): KeelError {
  return new KeelError('BAD_REQUEST', `The body is not an OTLP/JSON ExportTraceServiceRequest: ${problem}`);
}

function list(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw notARequest(`${what} is not an array`);
  return value;
}

function readResource(value: unknown): Attributes {
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value)) throw new OtlpFormatError('it is not an object');
  return readJsonAttributes(value.attributes, 'attributes');
}

function readScope(value: unknown): Scope {
  if (value === undefined || value === null) return { name: '', version: '' };
  if (!isJsonObject(value)) throw new OtlpFormatError('it is not an object');
  const { name, version } = value;
  if (name !== undefined && name !== null && typeof name !== 'string') throw new OtlpFormatError('name is not a string');
  if (version !== undefined && version !== null && typeof version !== 'string') throw new OtlpFormatError('version is not a string');
  return { name: name ?? '', version: version ?? '' };
}

function readSpans(spans: unknown[], resource: GroupHeader<Attributes>, scope: GroupHeader<Scope>, collector: SpanCollector): void {
  const problem = resource.problem ?? scope.problem;
  for (const value of spans) {
    const index = collector.nextIndex();
    if (problem !== null) {
      collector.reject(index, peekJsonSpanId(value), problem);
      continue;
    }
    try {
      collector.add(index, readJsonSpan(value, resource.value, scope.value));
    } catch (error) {
      if (!(error instanceof OtlpFormatError)) throw error;
      collector.reject(index, peekJsonSpanId(value), error.message);
    }
  }
}

/**
 * Decodes an OTLP/HTTP JSON body (already parsed). Field names are lowerCamelCase as the OTLP/JSON
 * spec has them; the proto snake_case names are read too. Spans that do not decode or validate
 * are returned in `rejected`; throws KeelError BAD_REQUEST when the body is not an
 * ExportTraceServiceRequest, PAYLOAD_TOO_LARGE above `maxSpans`.
 */
export function decodeOtlpJson(body: unknown, options: OtlpDecodeOptions): OtlpDecodeResult {
  if (!isJsonObject(body)) throw notARequest('expected an object with a resourceSpans array');
  const resourceSpans = body.resourceSpans ?? body.resource_spans;
  if (!Array.isArray(resourceSpans)) throw notARequest('expected an object with a resourceSpans array');
  const collector = new SpanCollector(options);
  for (let r = 0; r < resourceSpans.length; r++) {
    const group: unknown = resourceSpans[r];
    if (!isJsonObject(group)) throw notARequest(`resourceSpans[${r}] is not an object`);
    const resource = readGroupHeader(() => readResource(group.resource), {}, 'resource');
    const scopeSpans = list(group.scopeSpans ?? group.scope_spans, `resourceSpans[${r}].scopeSpans`);
    for (let s = 0; s < scopeSpans.length; s++) {
      const scopeGroup: unknown = scopeSpans[s];
      if (!isJsonObject(scopeGroup)) throw notARequest(`resourceSpans[${r}].scopeSpans[${s}] is not an object`);
      const scope = readGroupHeader(() => readScope(scopeGroup.scope), { name: '', version: '' }, 'scope');
      readSpans(list(scopeGroup.spans, `resourceSpans[${r}].scopeSpans[${s}].spans`), resource, scope, collector);
    }
  }
  return collector.done();
}
