import type { SpanRecord } from '@keel/spec';
import { describe, expect, it } from 'vitest';
import { buildSpanTree } from './build-span-tree.ts';
import { summarizeTrace } from './summarize-trace.ts';

function span(spanId: string, parentSpanId: string | null, startUs: number, extra: Partial<SpanRecord> = {}): SpanRecord {
  return {
    traceId: 't', spanId, parentSpanId, name: spanId, kind: 'span', startUs, endUs: startUs + 1000, latencyMs: 1, status: 'unset', statusMessage: '', serviceName: null,
    provider: null, requestModel: null, responseModel: null, model: null, input: null, output: null, inputTokens: null, outputTokens: null, cachedInputTokens: null,
    cost: null, costSource: null, timeToFirstTokenMs: null, sessionId: null, userId: null, tags: [], promptName: null, promptVersion: null, gatewayKey: null, mapperVersion: 1,
    raw: { otelKind: 1, startTimeUnixNano: '0', endTimeUnixNano: '0', attributes: {}, events: [], links: [], status: { code: 0, message: '' }, resource: {}, scope: { name: '', version: '' } },
    ...extra,
  };
}

describe('span tree', () => {
  it('nests children under parents by start time, whatever order spans arrive in', () => {
    const roots = buildSpanTree([span('c2', 'root', 3000), span('g', 'c1', 2500), span('root', null, 1000), span('c1', 'root', 2000)]);
    expect(roots.map((node) => node.span.spanId)).toEqual(['root']);
    const root = roots[0]!;
    expect(root.children.map((node) => node.span.spanId)).toEqual(['c1', 'c2']);
    expect(root.children[0]!.children[0]!.span.spanId).toBe('g');
    expect(root.children[0]!.children[0]!.depth).toBe(2);
    expect(root.children[1]!.offsetMs).toBe(2);
  });

  it('keeps orphans and parent cycles as roots instead of losing them', () => {
    const roots = buildSpanTree([span('a', 'missing', 1), span('x', 'y', 5), span('y', 'x', 6)]);
    expect(roots.map((node) => node.span.spanId).sort()).toEqual(['a', 'x', 'y']);
  });
});

describe('trace summary', () => {
  it('takes name and input from the root, sums tokens and cost, and is an error when any span failed', () => {
    const summary = summarizeTrace([
      span('llm', 'root', 2000, { model: 'gpt-4o', inputTokens: 10, outputTokens: 5, cost: 0.5, status: 'error', tags: ['b'] }),
      span('root', null, 1000, { input: '"hi"', userId: 'u1', tags: ['a'], status: 'ok' }),
      span('emb', 'root', 2500, { model: 'text-embedding-3-small', inputTokens: 4, cost: 0.25, endUs: 9000 }),
    ])!;
    expect(summary).toMatchObject({ name: 'root', input: '"hi"', startUs: 1000, endUs: 9000, latencyMs: 8, status: 'error', userId: 'u1', inputTokens: 14, outputTokens: 5, cost: 0.75, spanCount: 3 });
    expect(summary.models).toEqual(['gpt-4o', 'text-embedding-3-small']);
    expect(summary.tags).toEqual(['a', 'b']);
    expect(summarizeTrace([])).toBeUndefined();
  });
});
