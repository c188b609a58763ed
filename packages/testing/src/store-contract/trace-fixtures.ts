import type { ProjectSpan, SpanRecord } from '@keel/spec';

/** 2025-01-01T00:00:00Z in microseconds: every trace test times its spans from here. */
export const t0Us = Date.UTC(2025, 0, 1) * 1000;
export const dayUs = 86_400_000_000;
export const msUs = 1000;

export const traceHex = (n: number): string => n.toString(16).padStart(32, '0');
export const spanHex = (n: number): string => n.toString(16).padStart(16, '0');

/** A plain span; `start`/`end` are microseconds after t0. Latency follows from them. */
export function span(trace: number, id: number, overrides: Partial<SpanRecord> & { start?: number; end?: number } = {}): SpanRecord {
  const { start = 0, end = start + 1000, ...rest } = overrides;
  const startUs = t0Us + start;
  const endUs = t0Us + end;
  return {
    traceId: traceHex(trace),
    spanId: spanHex(id),
    parentSpanId: null,
    name: `span-${id}`,
    kind: 'span',
    startUs,
    endUs,
    latencyMs: (endUs - startUs) / 1000,
    status: 'unset',
    statusMessage: '',
    serviceName: 'svc',
    provider: null,
    requestModel: null,
    responseModel: null,
    model: null,
    input: null,
    output: null,
    inputTokens: null,
    outputTokens: null,
    cachedInputTokens: null,
    cost: null,
    costSource: null,
    timeToFirstTokenMs: null,
    sessionId: null,
    userId: null,
    tags: [],
    promptName: null,
    promptVersion: null,
    gatewayKey: null,
    mapperVersion: 1,
    raw: {
      otelKind: 1,
      startTimeUnixNano: `${startUs}000`,
      endTimeUnixNano: `${endUs}000`,
      attributes: { 'service.name': 'svc', big: '9007199254740993', nested: { list: [1, true, null, 'x'] } },
      events: [],
      links: [],
      status: { code: 0, message: '' },
      resource: {},
      scope: { name: 'test', version: '1' },
    },
    ...rest,
  };
}

/** A generation: a span with a model, tokens and a cost. */
export function generation(trace: number, id: number, overrides: Partial<SpanRecord> & { start?: number; end?: number } = {}): SpanRecord {
  return span(trace, id, {
    kind: 'llm',
    provider: 'openai',
    requestModel: 'gpt-4o',
    responseModel: 'gpt-4o',
    model: 'gpt-4o',
    inputTokens: 10,
    outputTokens: 5,
    cost: 0.5,
    costSource: 'computed',
    ...overrides,
  });
}

export const inProject = (projectId: number, spans: readonly SpanRecord[]): ProjectSpan[] => spans.map((record) => ({ projectId, span: record }));
